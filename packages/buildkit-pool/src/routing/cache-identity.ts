import type { EngineBuildRequest } from '@deployer/contracts';

/**
 * What a build is routed by: its service's cache whatever the environment (the cache plan's
 * `serviceCacheRef`: registry, cache repository and service), never its environment, so every environment
 * of `web` meets the daemon that holds `web`'s local cache.
 */
export function cacheIdentity(request: EngineBuildRequest): string {
  return request.cache.serviceCacheRef;
}
