import { randomUUID } from 'node:crypto';
import {
  type ClaimedJob,
  finishHookDelivery,
  type HookBuildFacts,
  type HookEvent,
  hookBuildFacts,
  type State,
  startHookDelivery,
} from '@deployer/state';
import type { Logger } from 'pino';
import type { HookConfig } from '../config/hooks-schema.js';
import type { ServerMetrics } from '../metrics/index.js';
import type { JobObserver } from '../observe/job-observer.js';
import type { JobOutcome } from '../worker/job-outcome.js';
import { deliverHook, type HookDeliveryPolicy } from './deliver-hook.js';
import type { HookCas } from './hook-ca-files.js';
import { hookPayload } from './hook-payload.js';
import type { HookSecrets } from './hook-secrets.js';
import { displayHookUrl } from './hook-url.js';

export interface HookObserverOptions {
  hooks: readonly HookConfig[];
  secrets: HookSecrets;
  /** The hooks' `caFile` contents (readHookCaFiles); default none. */
  cas?: HookCas;
  state: State;
  logger: Logger;
  metrics: Pick<ServerMetrics, 'recordHookDelivery'>;
  /** The environment's status page, when the server knows its public address; default none. */
  statusUrl?: (facts: HookBuildFacts) => string | undefined;
  /** The backoff between attempts and the longest Retry-After obeyed (tests shorten them). */
  backoff?: Partial<Pick<HookDeliveryPolicy, 'baseDelayMs' | 'maxDelayMs' | 'maxRetryAfterMs'>>;
}

export interface HookObserver extends JobObserver {
  /** Resolves when every delivery begun so far has ended and been recorded. */
  idle(): Promise<void>;
  /**
   * Lets deliveries in flight end for up to `graceMs`, then aborts the rest (recorded failed: the server
   * stopped); resolves once every one is recorded, so the state can close.
   */
  stop(graceMs?: number): Promise<void>;
}

const defaultBackoff = { baseDelayMs: 2_000, maxDelayMs: 60_000, maxRetryAfterMs: 120_000 };

/** The event a job's end is, from what the state recorded (a build that lost to a newer push is none). */
function eventOf(facts: HookBuildFacts): HookEvent | undefined {
  if (facts.kind === 'build' && facts.status === 'succeeded') return 'built';
  if (facts.kind === 'build' && facts.status === 'failed') return 'failed';
  if (facts.kind === 'down' && facts.status === 'succeeded') return 'torn_down';
  return undefined;
}

function wants(hook: HookConfig, event: HookEvent, repository: string): boolean {
  if (!hook.events.includes(event)) return false;
  const names = hook.repositories;
  return names === undefined || names.some((name) => name.toLowerCase() === repository.toLowerCase());
}

/**
 * Calls the configured hooks when a job's end is an environment built, failed or torn down. Every
 * teardown, however it was asked for (a closed pull request, a removed label, the TTL sweep, a deleted
 * branch, a merge hold released), is a `down` job the worker runs, so this one listener hears them all.
 * It fires and forgets: the job's end is never delayed or failed by a hook; what happens is logged,
 * counted and recorded in the state, where one replica alone delivers each hook's event of a build.
 */
export function observeHooks(options: HookObserverOptions): HookObserver {
  const backoff = { ...defaultBackoff, ...options.backoff };
  const inFlight = new Set<Promise<void>>();
  const stopping = new AbortController();
  const deliver = async (
    hook: HookConfig,
    index: number,
    event: HookEvent,
    facts: HookBuildFacts,
    outcome: JobOutcome,
  ) => {
    const hookUrl = displayHookUrl(hook.url);
    const deliveryId = randomUUID();
    const log = options.logger.child({ hook: hookUrl, event, deliveryId, buildUuid: facts.buildUuid });
    const mine = await startHookDelivery(options.state, {
      id: deliveryId,
      hookUrl,
      event,
      buildId: facts.buildId,
      buildUuid: facts.buildUuid,
      repository: facts.repository,
    });
    if (!mine) return; // another replica reported this build's end first and delivers it
    const report = outcome.report !== undefined && 'services' in outcome.report ? outcome.report : undefined;
    const payload = hookPayload(event, deliveryId, facts, report, options.statusUrl?.(facts));
    const result = await deliverHook(payload, {
      url: hook.url,
      secret: options.secrets.get(index) ?? '',
      ca: options.cas?.get(index),
      attempts: hook.attempts,
      timeoutMs: hook.timeoutMs,
      ...backoff,
      signal: stopping.signal,
      onRetry: ({ attempt, error, delayMs }) =>
        log.warn({ attempt, delayMs: Math.round(delayMs), error: error.message }, 'hook delivery retried'),
    });
    await finishHookDelivery(options.state, deliveryId, result);
    options.metrics.recordHookDelivery({ event, outcome: result.outcome, attempts: result.attempts });
    const line = { attempts: result.attempts, statusCode: result.statusCode };
    if (result.outcome === 'delivered') log.info(line, 'hook delivered');
    else log.error({ ...line, error: result.lastError }, 'hook delivery failed');
  };

  const announce = async (job: ClaimedJob, outcome: JobOutcome) => {
    const facts = await hookBuildFacts(options.state, job.buildId);
    // What the state recorded decides, and only when this replica saw the same end: a replica whose
    // claim was taken over reports an aborted run the other replica's outcome replaces.
    if (facts === undefined || facts.status !== outcome.status) return;
    const event = eventOf(facts);
    if (event === undefined) return;
    await Promise.all(
      options.hooks.map(async (hook, index) => {
        if (!wants(hook, event, facts.repository)) return;
        try {
          await deliver(hook, index, event, facts, outcome);
        } catch (error) {
          options.logger.error(
            { err: error as Error, hook: displayHookUrl(hook.url), event },
            'hook delivery not recorded',
          );
        }
      }),
    );
  };

  const track = (work: Promise<void>) => {
    const tracked = work
      .catch((error: unknown) =>
        options.logger.error({ err: error as Error }, 'hook delivery failed to start'),
      )
      .finally(() => inFlight.delete(tracked));
    inFlight.add(tracked);
  };

  return {
    started() {},
    event() {},
    finished(job, outcome) {
      if (options.hooks.length === 0 || stopping.signal.aborted) return;
      // Teardowns that failed, superseded and cancelled jobs tell no one: the environment did not change.
      if (
        job.kind === 'down'
          ? outcome.status !== 'succeeded'
          : !['succeeded', 'failed'].includes(outcome.status)
      )
        return;
      track(announce(job, outcome));
    },
    async idle() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async stop(graceMs = 5_000) {
      const ended = this.idle().then(() => true);
      const timer = new Promise<false>((resolve) => setTimeout(resolve, graceMs, false).unref());
      if (!(await Promise.race([ended, timer]))) stopping.abort(new Error('server stopping'));
      await this.idle();
    },
  };
}
