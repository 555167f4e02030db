import type { BuildFailureKind, CacheSeeding, StepCounts } from '@deployer/contracts';
import type { CacheRefresh } from '../cache/refresh-decision.js';
import type { ImportSource } from '../plan/import-order.js';

export type ServiceStatus = 'built' | 'skipped' | 'superseded' | 'failed';

/** Why a service failed: its own build, a dependency, cancellation (fail-fast, abort), or the registry. */
export type FailureCause = 'build' | 'dependency' | 'cancelled' | 'registry';

export interface ServiceResult {
  service: string;
  buildUuid: string;
  status: ServiceStatus;
  /** The immutable image ref (content, git or spec tag). */
  image: string;
  /** Every ref pushed or tagged for this environment. */
  images: string[];
  digest: string | null;
  /** cached / (total - shared), as the engine reported it (see EngineBuildResult). */
  cacheHitRatio: number;
  steps: StepCounts;
  durationMs: number;
  /** Why it was skipped, superseded or failed. */
  reason?: string;
  failure?: {
    cause: FailureCause;
    code?: string;
    kind?: BuildFailureKind;
    step?: string;
    logTail?: string[];
  };
  /** Corrupt cache refs were reported and deleted through the registry. */
  healed: boolean;
  corruptCacheRefs: string[];
  missingCacheRefs: string[];
  /** Engine runs, retries included; 0 only when the engine never ran (skipped, blocked). */
  attempts: number;
  /**
   * How the environment's own cache was seeded from a fallback's without moving layer bytes: before the
   * build inside the registry (BuildKit), or after it by the engine (buildah's layer mounts); absent when
   * the build never got that far or ran without a registry.
   */
  seeding?: CacheSeeding;
  /**
   * A skipped service's own cache ref brought up to date, inside the registry, from the cache of the
   * environment that built its image (BuildKit); absent when the service was not skipped.
   */
  cacheRefresh?: CacheRefresh;
  /** The daemon that built it (or ran its last attempt), when the engine is a pool of BuildKit daemons. */
  daemon?: string;
  /** Every daemon the build was sent to, in order (a failover adds one). */
  daemonsTried?: string[];
}

export interface BuildReport {
  buildUuid: string;
  /** This run's id, as its leases name it (and other runs' `superseded by run …` reasons). */
  runId: string;
  fallbacks: string[];
  /** Whose caches the builds imported, own first, each with why (the plan's). */
  importOrder: ImportSource[];
  engine: string;
  startedAt: string;
  durationMs: number;
  /** True when no service failed (superseded services are not failures: a newer run owns them). */
  ok: boolean;
  totals: Record<ServiceStatus, number>;
  services: ServiceResult[];
}

export function summarize(
  results: readonly ServiceResult[],
  meta: {
    buildUuid: string;
    runId: string;
    fallbacks: readonly string[];
    importOrder: readonly ImportSource[];
    engine: string;
    startedAt: Date;
    durationMs: number;
  },
): BuildReport {
  const totals: Record<ServiceStatus, number> = { built: 0, skipped: 0, superseded: 0, failed: 0 };
  for (const result of results) totals[result.status]++;
  return {
    buildUuid: meta.buildUuid,
    runId: meta.runId,
    fallbacks: [...meta.fallbacks],
    importOrder: meta.importOrder.map((entry) => ({ ...entry })),
    engine: meta.engine,
    startedAt: meta.startedAt.toISOString(),
    durationMs: meta.durationMs,
    ok: totals.failed === 0,
    totals,
    services: [...results],
  };
}

/** The report as stable, pretty-printed JSON (`--json`). */
export function reportToJson(report: BuildReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
