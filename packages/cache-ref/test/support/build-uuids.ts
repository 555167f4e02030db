import type { BuildUuid } from '@deployer/contracts';

/**
 * Any string typed as a BuildUuid, unchecked. The rule is @deployer/deploy's, above this package; and
 * cache-ref must make a valid, distinct ref for whatever it is given, a forged brand (a cast) included, so
 * its tests pass valid and invalid uuids alike through this one door.
 */
export function anyBuildUuid(value: string): BuildUuid {
  return value as BuildUuid;
}
