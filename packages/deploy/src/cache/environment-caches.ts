import { type CacheLocation, cacheLocation } from '@deployer/cache-ref';
import type { BuildUuid, ResolvedStrategy } from '@deployer/contracts';
import type { Environment } from '../spec/load-environment.js';

const strategies: readonly ResolvedStrategy[] = ['path', 'tag'];

/** `host/repository` under which every cache ref of the environment's services lives. */
export function cacheRepository(environment: Environment): string {
  return `${environment.cache.registry}/${environment.cache.repository}`;
}

/** Where an environment's cache of a service lives under one strategy; null for a name it cannot express. */
function locate(
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
  strategy: ResolvedStrategy,
): CacheLocation | null {
  try {
    return cacheLocation({
      registry: environment.cache.registry,
      repository: environment.cache.repository,
      service,
      buildUuid,
      strategy,
    });
  } catch {
    // A name one strategy cannot express (too long) holds no cache under that strategy.
    return null;
  }
}

/**
 * Every ref where one environment's cache of one service can live, under either strategy (a strategy may
 * have changed since it was written). Computed by cache-ref, never by guessing at ref strings.
 */
export function environmentCacheRefs(
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
): string[] {
  return environmentCacheTags(environment, service, buildUuid).map(
    ({ repository, tag }) => `${repository}:${tag}`,
  );
}

/** environmentCacheRefs split: the repository (`host/repository`) and the cache tag in it. */
export function environmentCacheTags(
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
): { repository: string; tag: string }[] {
  return strategies.flatMap((strategy) => {
    const location = locate(environment, service, buildUuid, strategy);
    return location === null
      ? []
      : [{ repository: `${environment.cache.registry}/${location.repository}`, tag: location.tag }];
  });
}

/**
 * The environment's buildah cache repository (`host/<cache repository>/<service>/<uuid>`, the path
 * strategy's repository, which buildah's `--cache-to` fills with one tag per cache key); null when the name
 * would be too long. It belongs to exactly this environment, so all its tags are the environment's.
 */
export function environmentCacheRepository(
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
): string | null {
  const location = locate(environment, service, buildUuid, 'path');
  return location === null ? null : `${environment.cache.registry}/${location.repository}`;
}

/**
 * Everything `listCacheRefs` can report as one environment's cache of one service: its BuildKit refs
 * (both strategies) and its buildah cache repository. Matched exactly, never by prefix: `…/web/main` is
 * not `…/web/main-2`.
 */
export function environmentCaches(environment: Environment, service: string, buildUuid: BuildUuid): string[] {
  const repository = environmentCacheRepository(environment, service, buildUuid);
  return [
    ...environmentCacheRefs(environment, service, buildUuid),
    ...(repository === null ? [] : [repository]),
  ];
}
