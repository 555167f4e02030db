import type { BuildUuid, CacheRefInfo, CacheRegistry } from '@deployer/contracts';
import type { Environment } from '../spec/load-environment.js';
import { cacheRepository, environmentCaches } from './environment-caches.js';

export interface CacheInventoryEntry extends CacheRefInfo {
  service: string;
  /** Relative to the build uuid asked about (`own`) and the environment's fallbacks. */
  role: 'own' | 'fallback' | 'other';
}

export interface CacheInventoryOptions {
  registry: CacheRegistry;
  /** Only this environment's refs and its fallbacks' (`--uuid`). */
  buildUuid?: BuildUuid;
  /** Replaces the spec's fallbacks. */
  fallbacks?: readonly BuildUuid[];
  services?: readonly string[];
  signal?: AbortSignal;
}

/** The cache refs of an environment spec's services (`deployer cache ls`). */
export async function listEnvironmentCache(
  environment: Environment,
  options: CacheInventoryOptions,
): Promise<CacheInventoryEntry[]> {
  const fallbacks = options.fallbacks ?? environment.fallbacks;
  const entries: CacheInventoryEntry[] = [];
  for (const service of environment.services) {
    if (options.services !== undefined && !options.services.includes(service.name)) continue;
    const own = new Set(
      options.buildUuid === undefined ? [] : environmentCaches(environment, service.name, options.buildUuid),
    );
    const fallbackRefs = new Set(
      fallbacks.flatMap((fallback) => environmentCaches(environment, service.name, fallback)),
    );
    const refs = await options.registry.listCacheRefs(
      cacheRepository(environment),
      service.name,
      options.signal === undefined ? undefined : { signal: options.signal },
    );
    for (const info of refs) {
      const role = own.has(info.ref) ? 'own' : fallbackRefs.has(info.ref) ? 'fallback' : 'other';
      if (options.buildUuid !== undefined && role === 'other') continue;
      entries.push({ ...info, service: service.name, role });
    }
  }
  return entries;
}
