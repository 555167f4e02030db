import type { EngineBuildResult, EngineFailure } from '@deployer/contracts';
import type { ServiceSeeding } from '../cache/seed-decision.js';
import type { ServicePlan } from '../plan/plan-environment.js';
import type { ServiceResult } from './report.js';

/** A failed result with nothing done yet; the other shapes start from it. */
export function baseResult(service: ServicePlan): ServiceResult {
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

export function builtResult(
  service: ServicePlan,
  result: EngineBuildResult,
  healed: boolean,
  durationMs: number,
): ServiceResult {
  return {
    ...baseResult(service),
    status: 'built',
    images: [
      service.image,
      service.environmentImage,
      ...(service.ownershipImage === null ? [] : [service.ownershipImage]),
    ],
    digest: result.imageDigest,
    cacheHitRatio: result.cacheHitRatio,
    steps: { ...result.steps },
    healed,
    corruptCacheRefs: [...result.corruptCacheRefs],
    missingCacheRefs: [...result.missingCacheRefs],
    attempts: result.attempts,
    ...(result.daemon !== undefined && { daemon: result.daemon }),
    ...(result.daemonsTried !== undefined && { daemonsTried: [...result.daemonsTried] }),
    ...(result.seeding && { seeding: { ...result.seeding } }),
    durationMs,
  };
}

/** The corrupt cache refs an engine's error reports, to heal before shaping the failure. */
export function corruptRefsOf(error: unknown): string[] {
  return [...((error as Partial<EngineFailure>).corruptCacheRefs ?? [])];
}

/** A build that failed on its own: the engine's error, by kind, with its step and log tail. */
export function failedResult(
  service: ServicePlan,
  error: unknown,
  healed: boolean,
  durationMs: number,
): ServiceResult {
  const failure = error as Partial<EngineFailure>;
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
    healed,
    corruptCacheRefs: corruptRefsOf(error),
    // How often the engine ran (retries included) before it gave up, where it says so.
    ...(typeof failure.attempts === 'number' && { attempts: failure.attempts }),
    ...(typeof failure.daemon === 'string' && { daemon: failure.daemon }),
    ...(Array.isArray(failure.daemonsTried) && { daemonsTried: [...failure.daemonsTried] }),
    durationMs,
  };
}

/** A build a newer run stopped or never let start; `reason` is the SupersededError's message. */
export function supersededResult(service: ServicePlan, reason: string, durationMs = 0): ServiceResult {
  return { ...baseResult(service), status: 'superseded', reason, durationMs };
}

/** A build the run's cancellation stopped (`cancelled: …`) or never let start (`not started: …`). */
export function cancelledResult(service: ServicePlan, reason: string, durationMs = 0): ServiceResult {
  return { ...baseResult(service), reason, failure: { cause: 'cancelled' }, durationMs };
}

/** What seeding the own cache ref did before the build, and whether the corrupt fallbacks it found are gone. */
export interface SeedReport {
  seeding: ServiceSeeding;
  corruptCacheRefs: readonly string[];
  healed: boolean;
}

/** A result with its seeding: a corrupt fallback seeding found counts as one the engine reported. */
export function withSeeding(result: ServiceResult, seeded: SeedReport | undefined): ServiceResult {
  if (seeded === undefined) return result;
  // An engine that seeds its own cache after the build (buildah) reports it; its account is the one that
  // happened. Engines that report none (BuildKit) were seeded, or not, before the build.
  const seeding = result.seeding ?? seeded.seeding;
  if (seeded.corruptCacheRefs.length === 0) return { ...result, seeding };
  const engineReported = result.corruptCacheRefs.length > 0;
  return {
    ...result,
    seeding,
    corruptCacheRefs: [...new Set([...seeded.corruptCacheRefs, ...result.corruptCacheRefs])],
    healed: seeded.healed && (!engineReported || result.healed),
  };
}
