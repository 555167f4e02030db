import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { runScopedExport } from '@deployer/cache-ref';
import type { BuildEvent, EngineBuildResult, EngineFailure, LeaseHolder } from '@deployer/contracts';
import { engineRequest } from './engine-request.js';
import { healCorruptCacheRefs } from './heal.js';
import {
  defaultLeasePollMs,
  defaultLeaseStaleAfterMs,
  type HeldLease,
  holdLease,
  type LeaseOptions,
  LeaseSupersededError,
} from './lease.js';
import type { EnvironmentPlan, ServicePlan } from './plan.js';
import type { BuildEngine } from './ports/engine.js';
import type { RegistryPort } from './ports/registry.js';
import { discardRunExport, promoteRunExport } from './promote.js';
import { type BuildReport, type ServiceResult, summarize } from './report.js';
import { checkSecretSources, secretMasking } from './secrets.js';
import { defaultSupersession, SupersededError, type Supersession } from './supersede.js';

export type DeployEventBody =
  | { type: 'queued' }
  | { type: 'started' }
  | { type: 'engine'; event: BuildEvent }
  | { type: 'healed'; refs: string[] }
  | { type: 'heal-failed'; refs: string[]; errors: { ref: string; message: string }[] }
  | { type: 'warning'; message: string }
  /** Another run held the export ref's lease; this one waits `waitMs` (0: the lease was stale) for it to stop. */
  | { type: 'took-over'; runId: string; host: string | null; waitMs: number }
  | { type: 'finished'; result: ServiceResult };

/** Every event names the environment and the service, so interleaved logs stay attributable. */
export interface DeployEvent {
  buildUuid: string;
  service: string;
  event: DeployEventBody;
}

export interface BuildEnvironmentOptions {
  engine: BuildEngine;
  /**
   * Deletes corrupt cache refs, tags skipped images for the environment, and holds a lease on every export
   * ref while writing it, so that runs in other processes do not write it at the same time (see lease.ts).
   */
  registry?: RegistryPort;
  /** How the leases behave; used with `registry`. */
  lease?: LeaseOptions;
  /** Builds at once; default 4. */
  concurrency?: number;
  /** Keep building what does not depend on a failure; default: the first failure cancels the rest. */
  keepGoing?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: DeployEvent) => void;
  /** Default: one registry per process. */
  supersession?: Supersession;
  timeoutMs?: number;
  labels?: Readonly<Record<string, string>>;
  /** Where `env` secrets are looked up before starting; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

const defaultConcurrency = 4;

/**
 * Builds an environment's plan through the engine: dependencies first, at most `concurrency` at once,
 * one writer per cache ref. Never throws for a failed build (see the report); throws only for bad input,
 * before anything started. Secret values are masked (`***`) in every event, result and error it gives
 * back (see SecretMasker).
 */
export async function buildEnvironment(
  plan: EnvironmentPlan,
  options: BuildEnvironmentOptions,
): Promise<BuildReport> {
  checkSecretSources(plan, options.env);
  const { masker, warnings } = await secretMasking(plan, options.env);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency));
  const supersession = options.supersession ?? defaultSupersession;
  const run = supersession.startRun();
  const lease = resolveLease(options.lease);
  const startedAt = new Date();
  const emit = (service: string, event: DeployEventBody): void => {
    try {
      options.onEvent?.(masker.maskDeep({ buildUuid: plan.buildUuid, service, event }));
    } catch {
      // A broken listener must not break builds.
    }
  };

  const cancel = new AbortController();
  const onOuterAbort = () => cancel.abort(new Error('the run was aborted'));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  const inPlan = new Set(plan.services.map((service) => service.service));
  const results = new Map<string, ServiceResult>();
  const running = new Map<string, Promise<void>>();
  let waiting = [...plan.services];
  for (const service of waiting) emit(service.service, { type: 'queued' });
  for (const warning of warnings) emit(warning.service, { type: 'warning', message: warning.message });

  const finish = (unmasked: ServiceResult): void => {
    const result = masker.maskDeep(unmasked);
    results.set(result.service, result);
    emit(result.service, { type: 'finished', result });
    const ownFailure = result.status === 'failed' && result.failure?.cause !== 'cancelled';
    if (ownFailure && !options.keepGoing && !cancel.signal.aborted) {
      cancel.abort(new Error(`${result.service} failed`));
    }
  };

  try {
    while (waiting.length > 0 || running.size > 0) {
      const still: ServicePlan[] = [];
      for (const service of waiting) {
        const blocked = blockedResult(service, results, cancel.signal);
        if (blocked !== null) finish(blocked);
        else still.push(service);
      }
      waiting = still;
      for (const service of [...waiting]) {
        if (running.size >= concurrency) break;
        const ready = service.dependsOn.every(
          (dependency) => !inPlan.has(dependency) || results.has(dependency),
        );
        if (!ready) continue;
        waiting = waiting.filter((other) => other !== service);
        const task = runService(service, {
          ...options,
          plan,
          run,
          supersession,
          leaseRun: lease,
          cancel: cancel.signal,
          emit,
        })
          .then(finish)
          .finally(() => running.delete(service.service));
        running.set(service.service, task);
      }
      if (running.size === 0) break;
      await Promise.race(running.values());
    }
  } catch (error) {
    if (error instanceof Error) error.message = masker.mask(error.message);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  return summarize(
    plan.services.map((service) => results.get(service.service)!),
    {
      buildUuid: plan.buildUuid,
      runId: lease.runId,
      fallbacks: plan.fallbacks,
      engine: options.engine.name,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
    },
  );
}

function resolveLease(options: LeaseOptions = {}): RunContext['leaseRun'] {
  const pollMs = options.pollMs ?? defaultLeasePollMs;
  return {
    newerRuns: new Map(),
    runId: options.runId ?? randomUUID(),
    host: options.host ?? hostname(),
    startedAt: options.startedAt ?? new Date(),
    pollMs,
    // Two checks of the older run, so one slow check does not let both write.
    handoverMs: options.handoverMs ?? 2 * pollMs,
    staleAfterMs: options.staleAfterMs ?? defaultLeaseStaleAfterMs,
  };
}

function baseResult(service: ServicePlan): ServiceResult {
  return {
    service: service.service,
    buildUuid: service.buildUuid,
    status: 'failed',
    image: service.image,
    images: [],
    digest: null,
    cacheHitRatio: 0,
    steps: { total: 0, cached: 0, shared: 0 },
    durationMs: 0,
    healed: false,
    corruptCacheRefs: [],
    missingCacheRefs: [],
    attempts: 0,
  };
}

/** The result of a service that cannot start: the run was cancelled or a dependency did not succeed. */
function blockedResult(
  service: ServicePlan,
  results: ReadonlyMap<string, ServiceResult>,
  cancelled: AbortSignal,
): ServiceResult | null {
  if (cancelled.aborted) {
    const reason = `not started: ${(cancelled.reason as Error).message}`;
    return { ...baseResult(service), reason, failure: { cause: 'cancelled' } };
  }
  for (const dependency of service.dependsOn) {
    const status = results.get(dependency)?.status;
    if (status === 'failed') {
      return {
        ...baseResult(service),
        reason: `dependency ${dependency} failed`,
        failure: { cause: 'dependency' },
      };
    }
    if (status === 'superseded') {
      return {
        ...baseResult(service),
        status: 'superseded',
        reason: `dependency ${dependency} was superseded`,
      };
    }
  }
  return null;
}

interface RunContext extends BuildEnvironmentOptions {
  plan: EnvironmentPlan;
  run: number;
  supersession: Supersession;
  leaseRun: Required<LeaseOptions> & { newerRuns: Map<string, LeaseHolder> };
  cancel: AbortSignal;
  emit: (service: string, event: DeployEventBody) => void;
}

async function runService(service: ServicePlan, context: RunContext): Promise<ServiceResult> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  context.emit(service.service, { type: 'started' });
  if (service.action === 'skip') return skip(service, context, elapsed);

  // The export ref is the unit of "one writer"; every planned build has one, as it has a build uuid.
  const key = service.cache.export?.ref ?? service.environmentImage;
  const claim = context.supersession.claim(key, context.run);
  const signal = AbortSignal.any([context.cancel, claim.signal]);
  let lease: HeldLease | undefined;
  const { registry, leaseRun } = context;
  // BuildKit writes a tag of this run's own, promoted onto the cache ref afterwards (promote.ts); without
  // a registry to promote through, the engine writes the cache ref itself.
  const runExport = registry === undefined ? null : runScopedExport(service.cache, leaseRun);
  let runExportSettled = runExport === null;
  const warn = (message: string) => context.emit(service.service, { type: 'warning', message });
  try {
    await claim.ready;
    signal.throwIfAborted();
    lease = await leaseFor(service, context, signal);
    lease?.signal.throwIfAborted();
    const result = await context.engine.build({
      ...engineRequest(context.plan, service, {
        ...(context.labels !== undefined && { labels: context.labels }),
        ...(context.timeoutMs !== undefined && { timeoutMs: context.timeoutMs }),
        ...(runExport !== null && { run: leaseRun }),
      }),
      signal: lease === undefined ? signal : AbortSignal.any([signal, lease.signal]),
      onEvent: (event) => context.emit(service.service, { type: 'engine', event }),
    });
    // Heal first: a corrupt own `:cache` is deleted before the fresh export is promoted onto it.
    const report = await built(service, result, context, elapsed);
    if (registry !== undefined && runExport !== null) {
      runExportSettled = true;
      await promoteRunExport({
        registry,
        runExport,
        leaseRef: service.cache.lease?.ref,
        me: { runId: leaseRun.runId, startedAt: leaseRun.startedAt, host: leaseRun.host },
        // A newer run of this environment seen on any service's lease: it builds every service too.
        superseded: () =>
          claim.signal.aborted || lease?.signal.aborted === true || leaseRun.newerRuns.size > 0,
        signal: context.cancel,
        warn,
      });
    }
    return { ...report, durationMs: elapsed() };
  } catch (error) {
    const superseded = [claim.signal, lease?.signal].find(
      (cause) =>
        cause?.aborted &&
        (cause.reason instanceof SupersededError || cause.reason instanceof LeaseSupersededError),
    );
    if (superseded !== undefined) {
      return {
        ...baseResult(service),
        status: 'superseded',
        reason: (superseded.reason as Error).message,
        durationMs: elapsed(),
      };
    }
    if (context.cancel.aborted) {
      const reason = `cancelled: ${(context.cancel.reason as Error).message}`;
      return { ...baseResult(service), reason, failure: { cause: 'cancelled' }, durationMs: elapsed() };
    }
    return await failed(service, error, context, elapsed);
  } finally {
    // A failed, cancelled or superseded build's run tag, if the engine got as far as writing it.
    if (!runExportSettled && registry !== undefined && runExport !== null) {
      await discardRunExport(registry, runExport, warn);
    }
    // The lease first: a newer run of this process, waiting on the claim, then finds it free.
    await lease?.release();
    claim.release();
  }
}

/** The export ref's lease, held while building; none without a registry or a lease in the plan. */
async function leaseFor(
  service: ServicePlan,
  context: RunContext,
  signal: AbortSignal,
): Promise<HeldLease | undefined> {
  const leaseRef = service.cache.lease?.ref;
  if (context.registry === undefined || leaseRef === undefined || service.cache.export === null) {
    return undefined;
  }
  const emit = (event: DeployEventBody) => context.emit(service.service, event);
  return holdLease({
    registry: context.registry,
    leaseRef,
    runId: context.leaseRun.runId,
    host: context.leaseRun.host,
    startedAt: context.leaseRun.startedAt,
    pollMs: context.leaseRun.pollMs,
    handoverMs: context.leaseRun.handoverMs,
    staleAfterMs: context.leaseRun.staleAfterMs,
    signal,
    newerRuns: context.leaseRun.newerRuns,
    warn: (message) => emit({ type: 'warning', message }),
    tookOver: (previous, waitMs) =>
      emit({ type: 'took-over', runId: previous.runId, host: previous.host ?? null, waitMs }),
  });
}

async function skip(
  service: ServicePlan,
  context: RunContext,
  elapsed: () => number,
): Promise<ServiceResult> {
  const images = [service.image];
  if (context.registry?.tagImage !== undefined) {
    try {
      await context.registry.tagImage(service.image, service.environmentImage, { signal: context.cancel });
      images.push(service.environmentImage);
    } catch (error) {
      context.emit(service.service, {
        type: 'warning',
        message: `could not tag ${service.environmentImage}: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  }
  return {
    ...baseResult(service),
    status: 'skipped',
    reason: service.reason,
    images,
    digest: service.existingDigest,
    durationMs: elapsed(),
  };
}

async function heal(service: ServicePlan, refs: readonly string[], context: RunContext): Promise<boolean> {
  if (refs.length === 0) return false;
  const outcome = await healCorruptCacheRefs(refs, service.cache, context.registry);
  if (outcome.healed) context.emit(service.service, { type: 'healed', refs: outcome.deleted });
  else {
    const errors = [
      ...outcome.errors,
      ...outcome.refused.map((ref) => ({ ref, message: 'not in this build cache plan; left alone' })),
    ];
    context.emit(service.service, { type: 'heal-failed', refs: [...refs], errors });
  }
  return outcome.healed;
}

async function built(
  service: ServicePlan,
  result: EngineBuildResult,
  context: RunContext,
  elapsed: () => number,
): Promise<ServiceResult> {
  return {
    ...baseResult(service),
    status: 'built',
    images: [service.image, service.environmentImage],
    digest: result.imageDigest,
    cacheHitRatio: result.cacheHitRatio,
    steps: { ...result.steps },
    healed: await heal(service, result.corruptCacheRefs, context),
    corruptCacheRefs: [...result.corruptCacheRefs],
    missingCacheRefs: [...result.missingCacheRefs],
    attempts: result.attempts,
    durationMs: elapsed(),
  };
}

async function failed(
  service: ServicePlan,
  error: unknown,
  context: RunContext,
  elapsed: () => number,
): Promise<ServiceResult> {
  const failure = error as Partial<EngineFailure>;
  const corrupt = [...(failure.corruptCacheRefs ?? [])];
  const message = error instanceof Error ? error.message : String(error);
  return {
    ...baseResult(service),
    reason: failure.step === undefined ? message : `step ${failure.step}: ${message}`,
    failure: {
      cause: failure.kind === 'registry' ? 'registry' : 'build',
      ...(typeof failure.code === 'string' && { code: failure.code }),
      ...(failure.kind !== undefined && { kind: failure.kind }),
      ...(failure.step !== undefined && { step: failure.step }),
      ...(failure.logTail !== undefined && { logTail: [...failure.logTail] }),
    },
    healed: await heal(service, corrupt, context),
    corruptCacheRefs: corrupt,
    // How often the engine ran (retries included) before it gave up, where it says so.
    ...(typeof failure.attempts === 'number' && { attempts: failure.attempts }),
    durationMs: elapsed(),
  };
}
