import { type BuildkitEngine, createBuildkitEngine } from '@deployer/buildkit-runner';
import type { BuildEngine, EngineArgv, EngineBuildRequest, EngineBuildResult } from '@deployer/contracts';
import { warmUpProcessRunner } from '@deployer/process';
import { BuildkitPoolError } from '../errors.js';
import { createHashRing } from '../routing/hash-ring.js';
import { lostWithDaemon } from './daemon-lost.js';
import { type BuildkitPoolOptions, resolvePoolOptions } from './pool-options.js';
import { listDaemons, type PoolRun, startPoolRun } from './pool-run.js';

/** contracts' BuildEngine over several BuildKit daemons, plus the check a run makes before building. */
export interface BuildkitPool extends BuildEngine {
  readonly name: 'buildkit';
  /**
   * Resolves the daemon list and health-checks every daemon, once per pool (one pool per run); a
   * daemon that does not answer is skipped (a `daemon-down` event). Throws `BuildkitPoolError`
   * `NO_DAEMON` when none answers. `build` calls it itself; call it first to fail before planning.
   */
  prepare(): Promise<readonly string[]>;
  /** Loads what starts buildctl (the port's warmUp); starts nothing, asks no daemon. */
  warmUp(): void;
}

/**
 * Routes each build to a daemon by consistent hashing with bounded loads on its cache identity (registry,
 * cache repository, service), so every environment of a service meets that service's local cache; a
 * full daemon passes the build to the next on the ring, and a daemon that is unreachable or drops the
 * connection is cooled down and the build retried on the next one. Any other failure (a failing step,
 * a registry error) is the build's own and is never retried elsewhere.
 */
export function createBuildkitPool(options: BuildkitPoolOptions): BuildkitPool {
  const settings = resolvePoolOptions(options);
  const engines = new Map<string, BuildkitEngine>();
  let run: Promise<PoolRun> | undefined;

  const engineFor = (daemon: string): BuildkitEngine => {
    let engine = engines.get(daemon);
    if (engine === undefined) {
      const { tls, ...rest } = settings.engine;
      engine = createBuildkitEngine({
        ...rest,
        ...(tls !== undefined && daemon.startsWith('tcp://') && { tls }),
        driver: 'buildctl',
        address: daemon,
        // The pool retries a lost daemon on the next one; backing off on the same one would only wait.
        retry: { attempts: 1 },
      });
      engines.set(daemon, engine);
    }
    return engine;
  };
  const healthOptions = (daemon: string) => ({
    ...(settings.engine.buildctlPath !== undefined && { buildctlPath: settings.engine.buildctlPath }),
    ...(settings.engine.tls !== undefined && daemon.startsWith('tcp://') && { tls: settings.engine.tls }),
    ...(settings.engine.env !== undefined && { env: settings.engine.env }),
    timeoutMs: settings.healthCheckTimeoutMs,
  });
  const prepare = () => {
    run ??= startPoolRun(settings);
    return run;
  };

  return {
    name: 'buildkit',
    async prepare() {
      return (await prepare()).daemons;
    },
    warmUp: warmUpProcessRunner,
    async argv(request: EngineBuildRequest): Promise<EngineArgv> {
      // What the build would run on the service's own daemon, without asking the daemons anything.
      const daemons = run === undefined ? await listDaemons(settings) : (await run).daemons;
      const daemon = createHashRing(daemons, settings.virtualNodes).order(settings.routingKey(request))[0];
      if (daemon === undefined) throw new BuildkitPoolError('NO_DAEMON', 'the BuildKit pool lists no daemon');
      return engineFor(daemon).argv(request);
    },
    async build(request: EngineBuildRequest): Promise<EngineBuildResult> {
      const pool = await prepare();
      const order = pool.ring.order(settings.routingKey(request));
      const preferred = order[0] as string;
      const tried: string[] = [];
      let attempts = 0;
      let lastFailure: unknown;
      for (;;) {
        const daemon = await pool.slots.acquire(order, new Set(tried), request.signal);
        if (daemon === null) break;
        tried.push(daemon);
        request.onEvent?.({ type: 'daemon', daemon, tried: tried.slice(0, -1) });
        const started = { daemon, buildUuid: request.buildUuid, service: request.service };
        settings.onEvent({
          type: 'build-started',
          ...started,
          preferred,
          running: pool.slots.running(daemon),
          capacity: pool.slots.capacity(daemon),
        });
        let outcome: 'built' | 'failed' | 'daemon-failed' = 'failed';
        try {
          const result = await engineFor(daemon).build(request);
          outcome = 'built';
          return { ...result, attempts: attempts + result.attempts, daemon, daemonsTried: [...tried] };
        } catch (error) {
          attempts += attemptsOf(error);
          if (!(await lostWithDaemon(error, daemon, healthOptions(daemon), request.signal))) {
            throw withDaemons(error, daemon, tried, attempts);
          }
          outcome = 'daemon-failed';
          pool.markDown(daemon, `lost a build: ${(error as Error).message}`);
          lastFailure = withDaemons(error, daemon, tried, attempts);
        } finally {
          pool.slots.release(daemon);
          settings.onEvent({
            type: 'build-finished',
            ...started,
            outcome,
            running: pool.slots.running(daemon),
          });
        }
      }
      if (request.signal?.aborted) {
        throw new BuildkitPoolError(
          'CANCELLED',
          `the build of ${request.service} was cancelled while it waited for a daemon`,
          {
            daemonsTried: tried,
          },
        );
      }
      if (lastFailure !== undefined) throw lastFailure;
      throw new BuildkitPoolError(
        'NO_DAEMON',
        `no BuildKit daemon of the pool is available for ${request.service}: ${pool.daemons.join(', ')} are down`,
        { daemonsTried: tried },
      );
    },
  };
}

function attemptsOf(error: unknown): number {
  const attempts = (error as { attempts?: unknown } | null)?.attempts;
  return typeof attempts === 'number' ? attempts : 1;
}

/** The engine's own error, naming the daemon it ran on last, every daemon tried, and all attempts. */
function withDaemons(error: unknown, daemon: string, tried: readonly string[], attempts: number): unknown {
  if (!(error instanceof Error)) return error;
  const annotated = Object.create(error) as Error & Record<string, unknown>;
  return Object.assign(annotated, { daemon, daemonsTried: [...tried], attempts });
}
