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
