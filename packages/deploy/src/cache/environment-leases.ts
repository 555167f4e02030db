import { leaseLocation } from '@deployer/cache-ref';
import type { BuildUuid, ResolvedStrategy } from '@deployer/contracts';
import type { Environment } from '../spec/load-environment.js';

const strategies: readonly ResolvedStrategy[] = ['path', 'tag'];

/**
 * Every ref where a run's lease on one environment's cache of one service can live, under either strategy
 * (a strategy may have changed since a run claimed it): `…/<service>/<uuid>/lease:lease` and
 * `<cache repository>:lease-<service>-<uuid>`. Computed by cache-ref, as the build's plan computes them,
 * never by guessing at ref strings; a name one strategy cannot express (too long) has no lease there.
 */
export function environmentLeaseRefs(
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
): string[] {
  return strategies.flatMap((strategy) => {
    try {
      const location = leaseLocation({
        registry: environment.cache.registry,
        repository: environment.cache.repository,
        service,
        buildUuid,
        strategy,
      });
      return [`${environment.cache.registry}/${location.repository}:${location.tag}`];
    } catch {
      return [];
    }
  });
}
