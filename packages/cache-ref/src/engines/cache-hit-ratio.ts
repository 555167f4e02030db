/**
 * The cache-hit ratio of a build's step counts: cached / (total - shared). A shared step was neither built
 * nor imported by this build (a concurrent identical build on the same daemon ran it), so it counts on
 * neither side; 0 when this build resolved no step itself. Every engine reports its ratio this way.
 * `steps` is @deployer/contracts' `StepCounts`, spelled out here: contracts sits above cache-ref.
 */
export function cacheHitRatio(steps: { total: number; cached: number; shared: number }): number {
  const resolved = steps.total - steps.shared;
  return resolved <= 0 ? 0 : steps.cached / resolved;
}
