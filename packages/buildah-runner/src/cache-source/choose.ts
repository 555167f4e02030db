import type { CacheEndpoint, EngineArgvUnresolved } from '@deployer/contracts';

export interface CacheSourceChoice {
  /** The repository for `--cache-from`, or null to build cold. */
  cacheFrom: CacheEndpoint | null;
  /** Imports whose repository does not exist: cache misses, not failures. */
  missing: CacheEndpoint[];
}

/**
 * buildah 1.28 reads cache from one repository only (of several `--cache-from`, the last wins), so one
 * import is chosen: the first, in the plan's priority order (own ref, then fallbacks), that exists. A new
 * environment thus starts from its fallback, and a built one from its own cache, which the engine keeps
 * complete by copying the fallback's layers it used into it. Where existence cannot be told, an import
 * that may exist is chosen over none.
 */
export function chooseCacheSource(
  imports: readonly CacheEndpoint[],
  exists: ReadonlyMap<string, boolean | null>,
): CacheSourceChoice {
  const missing = imports.filter((endpoint) => exists.get(endpoint.repository) === false);
  const cacheFrom =
    imports.find((endpoint) => exists.get(endpoint.repository) === true) ??
    imports.find((endpoint) => exists.get(endpoint.repository) !== false) ??
    null;
  return { cacheFrom, missing };
}

export interface PlannedCacheSource {
  /** The `--cache-from` repository; `<unresolved>` when the probe could not settle it; null: none. */
  cacheFrom: string | null;
  unresolved: EngineArgvUnresolved[];
}

/**
 * chooseCacheSource's answer for a plan. It is settled when every import the choice depends on (those
 * before the first that exists) answered; else it stays open, naming the imports that may exist, in the
 * order the build tries them: a build later, with the registry reachable, may choose any of them.
 */
export function plannedCacheSource(
  imports: readonly CacheEndpoint[],
  exists: ReadonlyMap<string, boolean | null>,
): PlannedCacheSource {
  const known = (endpoint: CacheEndpoint) => typeof exists.get(endpoint.repository) === 'boolean';
  const firstExisting = imports.findIndex((endpoint) => exists.get(endpoint.repository) === true);
  const deciding = firstExisting < 0 ? imports : imports.slice(0, firstExisting);
  const unknown = deciding.filter((endpoint) => !known(endpoint));
  if (unknown.length === 0) {
    return { cacheFrom: chooseCacheSource(imports, exists).cacheFrom?.repository ?? null, unresolved: [] };
  }
  const candidates = imports.filter((endpoint) => exists.get(endpoint.repository) !== false);
  const repositories = [...new Set(unknown.map((endpoint) => endpoint.repository))];
  return {
    cacheFrom: '<unresolved>',
    unresolved: [
      {
        flag: '--cache-from',
        candidates: [...new Set(candidates.map((endpoint) => endpoint.repository))],
        reason: `could not tell whether ${repositories.join(', ')} exist${repositories.length === 1 ? 's' : ''}: the registry did not answer; the build uses the first candidate that exists`,
      },
    ],
  };
}
