import type { StepCounts } from './build-result.js';

/**
 * The cache-hit ratio of a build's step counts: cached / (total - shared). A shared step was neither built
 * nor imported by this build (a concurrent identical build on the same daemon ran it), so it counts on
 * neither side; 0 when this build resolved no step itself. Every engine reports its ratio this way.
 */
export function cacheHitRatio(steps: StepCounts): number {
  const resolved = steps.total - steps.shared;
  return resolved <= 0 ? 0 : steps.cached / resolved;
}
