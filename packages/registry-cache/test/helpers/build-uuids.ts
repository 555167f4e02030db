import type { BuildUuid } from '@deployer/contracts';

/**
 * Any string typed as a BuildUuid, unchecked. The rule is @deployer/deploy's, above this package; and the
 * inventories must find whatever ref cache-ref makes, from valid uuids and hostile ones alike (cache-ref
 * sanitises both), so these tests plan refs from both through this one door.
 */
export function anyBuildUuid(value: string): BuildUuid {
  return value as BuildUuid;
}
