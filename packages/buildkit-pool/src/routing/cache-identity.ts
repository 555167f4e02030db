import type { EngineBuildRequest } from '@deployer/contracts';

/**
 * What a build is routed by: its registry, cache repository and service — never its environment, so
 * every environment of `web` meets the daemon that holds `web`'s local cache. Taken from the cache
 * plan: under the path strategy a ref's repository is `<registry>/<cache repository>/<service>/<uuid>`
 * (the uuid component dropped here), under the tag strategy `<registry>/<cache repository>`; a
 * service-wide ref (no build uuid) has no environment to drop.
 */
export function cacheIdentity(request: EngineBuildRequest): string {
  const { cache } = request;
  const endpoint = cache.export ?? cache.imports[0];
  let repository = endpoint?.repository ?? `${cache.registry}/`;
  if (endpoint?.buildUuid != null && cache.strategy === 'path') {
    repository = repository.slice(0, repository.lastIndexOf('/'));
  }
  return JSON.stringify([cache.registry, repository, request.service]);
}
