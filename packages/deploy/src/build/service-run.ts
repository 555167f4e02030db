import { setTimeout as sleep } from 'node:timers/promises';
import { runScopedExport } from '@deployer/cache-ref';
import { healCorruptCacheRefs } from '../cache/heal.js';
import { discardRunExport, promoteRunExport } from '../cache/promote-if-newest.js';
import { lookUpOwnCache, seedOwnCache } from '../cache/seed.js';
import { WriteGuard } from '../coordination/write-guard.js';
import type { HeldLease } from '../coordination/writer-lease.js';
import { engineRequest } from '../plan/engine-request.js';
import type { ServicePlan } from '../plan/plan-environment.js';
import { stampContentMtimes } from './content-mtimes.js';
import type { ServiceResult } from './report.js';
import type { RunContext } from './run-context.js';
import { leaseFor } from './service-lease.js';
import {
  builtResult,
  cancelledResult,
  corruptRefsOf,
  failedResult,
  type SeedReport,
  supersededResult,
  withSeeding,
} from './service-result.js';
import { skipService } from './skip-service.js';

/** How long a stopped engine's daemon gets to finish a push it had under way before the run tag is looked for again. */
const lateExportMs = 1500;

/**
 * One service's run: claim its export ref (in this process, then its lease in the registry), seed a new
 * environment's own cache ref from its fallback's inside the registry, build through the engine, heal
 * corrupt cache refs, promote the run's cache export, shape the result. Never throws: a
 * failure, a cancellation or a supersession is a result.
 */
export async function runService(service: ServicePlan, context: RunContext): Promise<ServiceResult> {
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  context.emit(service.service, { type: 'started' });
  if (service.action === 'skip') return skipService(service, context, elapsed);

  // The export ref is the unit of "one writer"; every planned build has one, as it has a build uuid.
  const key = service.cache.export?.ref ?? service.environmentImage;
  const claim = context.supersession.claim(key, context.run);
  const guard = new WriteGuard(context.cancel, context.leaseRun.newerRuns);
  guard.watch(claim.signal);
  let lease: HeldLease | undefined;
  const { registry, leaseRun } = context;
  // BuildKit writes a tag of this run's own, promoted onto the cache ref afterwards (cache/promote-if-newest.ts);
  // without a registry to promote through, the engine writes the cache ref itself.
  const runExport = registry === undefined ? null : runScopedExport(service.cache, leaseRun);
  const warn = (message: string) => context.emit(service.service, { type: 'warning', message });
  const me = { runId: leaseRun.runId, startedAt: leaseRun.startedAt, host: leaseRun.host };
  let seeded: SeedReport | undefined;
  // The run tag's removal, when the promotion started it (it had read the tag).
  let runTagRemoval: Promise<void> | undefined;
  // Whether the engine was asked to build (and so may have begun writing the run tag).
  let engineStarted = false;
  try {
    await claim.ready;
    guard.signal.throwIfAborted();
    // Whether the own cache ref exists (seeding's first question, a read) is asked beside the lease's
    // round trips; the engine loads what it builds with while the registry stores the lease's claim (its
    // longest wait), or now where no lease is claimed (warming up twice loads once).
    const ownCache =
      registry === undefined ? undefined : lookUpOwnCache(registry, service.cache, runExport, guard.signal);
    lease = await leaseFor(service, context, guard.signal);
    context.engine.warmUp?.();
    if (lease !== undefined) guard.watch(lease.signal);
    guard.signal.throwIfAborted();
    if (registry !== undefined) {
      const outcome = await seedOwnCache({
        registry,
        cache: service.cache,
        runExport,
        leaseRef: service.cache.lease?.ref,
        me,
        superseded: () => guard.superseded(),
        signal: guard.signal,
        warn,
        ...(ownCache !== undefined && { ownCache }),
      });
      if (outcome.seeding.from !== null) {
        context.emit(service.service, { type: 'seeded', seeding: outcome.seeding });
      }
      // A corrupt fallback is deleted before the build, which then runs without it (cold).
      const healed = await heal(service, outcome.corruptCacheRefs, context);
      seeded = { ...outcome, healed };
      guard.signal.throwIfAborted();
    }
    // Last before the engine reads the context: what it is sent is what was stamped.
    if (context.contentMtimes === true && context.engine.name !== 'buildah') {
      await stampContentMtimes(service.contextDir, { dockerfile: service.dockerfile, signal: guard.signal });
      guard.signal.throwIfAborted();
    }
    engineStarted = true;
    const result = await context.engine.build({
      ...engineRequest(context.plan, service, {
        ...(context.labels !== undefined && { labels: context.labels }),
        ...(context.timeoutMs !== undefined && { timeoutMs: context.timeoutMs }),
        runExport,
      }),
      signal: guard.signal,
      onEvent: (event) => context.emit(service.service, { type: 'engine', event }),
    });
    // Heal first: a corrupt own `:cache` is deleted before the fresh export is promoted onto it.
    const healed = await heal(service, result.corruptCacheRefs, context);
    const report = builtResult(service, result, healed, elapsed());
    if (registry !== undefined && runExport !== null) {
      const promotion = await promoteRunExport({
        registry,
        runExport,
        leaseRef: service.cache.lease?.ref,
        me,
        superseded: () => guard.superseded(),
        signal: guard.cancelSignal,
        warn,
      });
      runTagRemoval = promotion.runTagRemoval;
    }
    return { ...withSeeding(report, seeded), durationMs: elapsed() };
  } catch (error) {
    const superseded = guard.supersededBy();
    if (superseded !== null) return supersededResult(service, superseded.message, elapsed());
    if (guard.cancelSignal.aborted) {
      const reason = `cancelled: ${(guard.cancelSignal.reason as Error).message}`;
      return cancelledResult(service, reason, elapsed());
    }
    const healed = await heal(service, corruptRefsOf(error), context);
    return withSeeding(failedResult(service, error, healed, elapsed()), seeded);
  } finally {
    // The run tag, promoted or not (a failed, cancelled or superseded build's, if the engine got as far as
    // writing it): removing the run's own tag is no write to the environment's cache, so it happens whatever
    // the guard says; a promotion that read the tag started its removal already, beside its PUT. The lease
    // is released after any promotion (a newer run must not promote before this one did). The lease before the claim: a newer run of this process,
    // waiting on the claim, then finds it free.
    await Promise.all([
      runTagRemoval ??
        (registry !== undefined && runExport !== null
          ? discardRunExport(registry, runExport, warn)
          : undefined),
      lease?.release(),
    ]);
    // An engine stopped mid-build (superseded, cancelled) may still have its daemon finish pushing the
    // export it had under way: BuildKit completes a manifest PUT already sent after its client is gone.
    // One more look once that had time to land leaves no run tag behind.
    if (
      engineStarted &&
      guard.signal.aborted &&
      runTagRemoval === undefined &&
      registry !== undefined &&
      runExport !== null
    ) {
      await sleep(lateExportMs);
      await discardRunExport(registry, runExport, warn);
    }
    claim.release();
  }
}

/** Deletes the corrupt cache refs the engine reported, with an event either way; whether all are gone. */
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
