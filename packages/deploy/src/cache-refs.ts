import { cacheLocation, type ResolvedStrategy } from '@deployer/cache-ref';
import type { Environment } from './spec/load.js';

const strategies: readonly ResolvedStrategy[] = ['path', 'tag'];

/** `host/repository` under which every cache ref of the environment's services lives. */
export function cacheRepository(environment: Environment): string {
  return `${environment.cache.registry}/${environment.cache.repository}`;
}

/**
 * Every ref where one environment's cache of one service can live, under either strategy (a strategy may
 * have changed since it was written). Computed by cache-ref, never by guessing at ref strings.
 */
export function environmentCacheRefs(environment: Environment, service: string, buildUuid: string): string[] {
  const refs: string[] = [];
  for (const strategy of strategies) {
    try {
      const location = cacheLocation({
        registry: environment.cache.registry,
        repository: environment.cache.repository,
        service,
        buildUuid,
        strategy,
      });
      refs.push(`${environment.cache.registry}/${location.repository}:${location.tag}`);
    } catch {
      // A name one strategy cannot express (too long) holds no cache under that strategy.
    }
  }
  return refs;
}

/**
 * The environment's buildah cache repository (`host/<cache repository>/<service>/<uuid>`, the path
 * strategy's repository, which buildah's `--cache-to` fills with one tag per cache key); null when the name
 * would be too long. It belongs to exactly this environment, so all its tags are the environment's.
 */
export function environmentCacheRepository(
  environment: Environment,
  service: string,
  buildUuid: string,
): string | null {
  try {
    const location = cacheLocation({
      registry: environment.cache.registry,
      repository: environment.cache.repository,
      service,
      buildUuid,
      strategy: 'path',
    });
    return `${environment.cache.registry}/${location.repository}`;
  } catch {
    return null;
  }
}

/**
 * Everything `listCacheRefs` can report as one environment's cache of one service: its BuildKit refs
 * (both strategies) and its buildah cache repository. Matched exactly, never by prefix: `…/web/main` is
 * not `…/web/main-2`.
 */
export function environmentCaches(environment: Environment, service: string, buildUuid: string): string[] {
  const repository = environmentCacheRepository(environment, service, buildUuid);
  return [
    ...environmentCacheRefs(environment, service, buildUuid),
    ...(repository === null ? [] : [repository]),
  ];
}
