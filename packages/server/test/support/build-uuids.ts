import type { BuildUuid } from '@deployer/contracts';
import { validateBuildUuid } from '@deployer/deploy';

/** A test's build uuid, made the one way the server makes one: through deploy's rule (throws for a bad one). */
export function validUuid(value: string): BuildUuid {
  return validateBuildUuid(value, 'test build uuid');
}
