import type { BuildUuid } from '@deployer/contracts';

/*
 * A test's build uuid. The rule is @deployer/deploy's, which validates every uuid before it reaches this
 * package (and which this package does not import); a test stands in for deploy with well-formed
 * literals, typed here in this one place.
 */

export function testBuildUuid(value: string): BuildUuid;
export function testBuildUuid(value: string | null): BuildUuid | null;
export function testBuildUuid(value: string | null): BuildUuid | null {
  return value as BuildUuid | null;
}

export function testBuildUuids(values: readonly string[]): BuildUuid[] {
  return values.map((value) => testBuildUuid(value));
}
