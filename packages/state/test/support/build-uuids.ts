import type { BuildUuid } from '@deployer/contracts';

/**
 * A test's build uuid. The state stores what its callers validated (the server, through deploy's rule,
 * which this package does not import); a test stands in for that caller with well-formed literals, typed
 * here in this one place.
 */
export function uuid(value: string): BuildUuid {
  return value as BuildUuid;
}
