import { setTimeout as sleep } from 'node:timers/promises';
import type { LifecycleHooks, RegistryProfileEntry } from '@deployer/contracts';
import { countQueuedJobs, openState, syncRepositories } from '@deployer/state';
import type { Logger } from 'pino';
import type { ServerConfig } from './config/server-config-schema.js';
import { createGitHubFeedback } from './github/github-feedback.js';
import { readHookCaFiles } from './hooks/hook-ca-files.js';
import { observeHooks } from './hooks/hook-observer.js';
import { readHookSecrets } from './hooks/hook-secrets.js';
import { hookStatusUrl } from './hooks/hook-status-url.js';
import { createServerApp } from './http/app.js';
import { createLogger } from './logging/index.js';
import { createServerMetrics } from './metrics/index.js';
import { combineObservers } from './observe/combine-observers.js';
import { observeJobs } from './observe/job-observer.js';
import { webhookResultOf } from './observe/webhook-result.js';
import { scheduleSweeps } from './sweeps/sweep-schedule.js';
import { lifecycleCaller } from './worker/lifecycle-hooks.js';
import type { ServerPorts } from './worker/ports.js';
import { startWorker } from './worker/worker.js';

export interface ServeOptions {
  config: ServerConfig;
  /** `postgres://…` for several replicas; default an embedded PGlite database in `stateDir`. */
  databaseUrl?: string;
  stateDir: string;
  workDir: string;
  host: string;
  /** 0 picks a free port (see the returned `url`). */
  port: number;
  webhookSecret: string;
  apiToken?: string;
  maxBodyBytes?: number;
  replica: string;
  concurrency?: number;
  claimSeconds?: number;
  pollMs?: number;
  /** How often the TTL sweep runs across all replicas; default one hour. */
  sweepIntervalMs?: number;
  ports: ServerPorts;
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The operator's config module's hooks (`deployer serve --config-module`), called by the worker around
   * each build and teardown; one that throws is logged and never fails a build.
   */
  lifecycleHooks?: readonly LifecycleHooks[];
  /**
   * The operator's config module's registry profiles (`deployer serve --config-module`): the one for a
   * repository's cache registry applies when its server config `cache` sets no `kind`/`profile`.
   */
  registryProfiles?: readonly RegistryProfileEntry[];
  /**
   * Where the GitHub credentials the config names (`github.tokenEnv`, `privateKeyEnv`) are read; default
   * `env`. `deployer serve` passes them apart, so they are never in the environment builds inherit.
   */
  githubCredentialsEnv?: Readonly<Record<string, string | undefined>>;
  /**
   * Where the hooks' signing secrets (`hooks[].secretEnv`) are read; default `env`. `deployer serve`
   * passes them apart, so they are never in the environment builds inherit.
   */
  hookSecretsEnv?: Readonly<Record<string, string | undefined>>;
  /** Default: JSON lines on stdout. */
  logger?: Logger;
}

export interface RunningServer {
  url: string;
  /**
   * Stops taking jobs (`/readyz` answers 503), lets running builds finish for up to `deadlineMs`, puts
   * back what still runs with its claim released, then closes the HTTP server and the database.
   */
  stop(deadlineMs: number): Promise<void>;
}

/**
 * Opens the state (migrating it), records the configured repositories, starts the worker and the TTL
 * sweeps, and listens: webhooks, API, status pages, `/metrics`, health checks.
 */
export async function startServer(options: ServeOptions): Promise<RunningServer> {
  const logger = options.logger ?? createLogger();
  // Every hook can sign and trust its receiver, or the server does not start (a ServerConfigError).
  const hookSecrets = readHookSecrets(options.config, options.hookSecretsEnv ?? options.env);
  const hookCas = await readHookCaFiles(options.config);
  const state = await openState(
    options.databaseUrl !== undefined ? { databaseUrl: options.databaseUrl } : { dataDir: options.stateDir },
  );
  let draining = false;
  try {
    await syncRepositories(
      state,
      options.config.repositories.map((repository) => repository.name),
    );
    const metrics = createServerMetrics({ queueDepth: () => countQueuedJobs(state) });
    const onError = (error: unknown) => logger.error({ err: error as Error }, 'server error');
    // Every listener to the jobs' lives: logs and metrics first, then what tells others (GitHub).
    const github = await createGitHubFeedback({
      config: options.config,
      credentialsEnv: options.githubCredentialsEnv ?? options.env,
      logger,
      metrics,
    });
    const hooks = observeHooks({
      hooks: options.config.hooks,
      secrets: hookSecrets,
      cas: hookCas,
      state,
      logger,
      metrics,
      statusUrl: hookStatusUrl(options.config),
    });
    const jobs = combineObservers([observeJobs(logger, metrics), github, hooks], onError);
    const worker = startWorker({
      state,
      config: options.config,
      ports: options.ports,
      replica: options.replica,
      workDir: options.workDir,
      env: options.env,
      ...(options.registryProfiles && { registryProfiles: options.registryProfiles }),
      ...(options.concurrency !== undefined && { concurrency: options.concurrency }),
      ...(options.claimSeconds !== undefined && { claimSeconds: options.claimSeconds }),
      ...(options.pollMs !== undefined && { pollMs: options.pollMs }),
      onJobStarted: (job) => jobs.started(job),
      onJobEvent: (job, event) => jobs.event(job, event),
      onJobFinished: (job, outcome) => jobs.finished(job, outcome),
      onError,
      ...(options.lifecycleHooks !== undefined &&
        options.lifecycleHooks.length > 0 && {
          lifecycle: lifecycleCaller(options.lifecycleHooks, (hook, index, error) =>
            logger.warn({ err: error as Error, hook, hookIndex: index }, `lifecycle hook ${hook} failed`),
          ),
        }),
    });
    const sweeps = scheduleSweeps({
      state,
      config: options.config,
      ports: options.ports,
      workDir: options.workDir,
      env: options.env,
      ...(options.registryProfiles && { registryProfiles: options.registryProfiles }),
      replica: options.replica,
      ...(options.sweepIntervalMs !== undefined && { intervalMs: options.sweepIntervalMs }),
      onSweep: (results) => {
        for (const result of results) {
          metrics.recordTtlSweep({
            result: result.error === undefined ? 'succeeded' : 'failed',
            environmentsRemoved: result.expired.length,
          });
          const line = { ...result };
          if (result.error !== undefined) logger.error(line, 'ttl sweep failed');
          else logger.info(line, 'ttl sweep');
        }
      },
      onError,
    });
    const app = await createServerApp({
      state,
      config: options.config,
      webhookSecret: options.webhookSecret,
      apiToken: options.apiToken,
      ...(options.maxBodyBytes !== undefined && { maxBodyBytes: options.maxBodyBytes }),
      draining: () => draining,
      onWork: () => worker.wake(),
      onDelivery: (result, deliveryId) => {
        metrics.recordWebhookDelivery(webhookResultOf(result));
        logger.info({ ...(deliveryId !== undefined && { deliveryId }), result }, 'webhook delivery');
      },
      metrics,
      logger,
    });
    const url = await app.listen({ host: options.host, port: options.port });
    logger.info({ url, replica: options.replica, database: state.kind }, `listening on ${url}`);
    return {
      url,
      async stop(deadlineMs) {
        draining = true;
        logger.info({ deadlineMs }, 'draining: no new jobs; running builds may finish');
        await Promise.all([worker.stop(deadlineMs), sweeps.stop()]);
        // The last builds' check runs and comments, for a few seconds at most: GitHub may be down.
        await Promise.race([github.idle(), sleep(5000, undefined, { ref: false })]);
        // Hook deliveries in flight get a few seconds, then are recorded failed before the state closes.
        await hooks.stop(5000);
        await app.close();
        await state.close();
        logger.info('stopped');
      },
    };
  } catch (error) {
    await state.close();
    throw error;
  }
}
