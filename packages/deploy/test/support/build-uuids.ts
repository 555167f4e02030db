import type { BuildUuid } from '@deployer/contracts';
import { validateBuildUuid } from '../../src/uuid/build-uuid.js';

/** A test's build uuid, made the one way any caller makes one: through the rule (throws for a bad one). */
export function validUuid(value: string): BuildUuid {
  return validateBuildUuid(value, 'test build uuid');
}

/** Several at once, in order. */
export function validUuids(...values: string[]): BuildUuid[] {
  return values.map(validUuid);
}
