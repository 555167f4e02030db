import type { CachePlan } from '@deployer/contracts';

/**
 * Which dropped imports to report as corrupt once the retry without them succeeded.
 *
 * The rule: on a missing-blob failure every ref whose import succeeded is a suspect, because BuildKit
 * merges imported caches and does not say which ref a blob came from; the one retry drops them all, so
 * it cannot fail on the same corruption again. All suspects are reported for deletion except the
 * environment's own export ref when the retry wrote it anew (cache manifest exported, or inline cache
 * pushed with the image): its tag then points at a fresh, whole cache, and deleting it would throw that
 * away. In the recorded case (own ref missing, fallback `main` imported) that reports exactly `main`.
 */
export function corruptRefsToReport(
  dropped: readonly string[],
  plan: CachePlan,
  retry: { cacheManifestDigest: string | null },
): string[] {
  const own = plan.export?.ref;
  const rewritten = own !== undefined && (plan.mode === 'inline' || retry.cacheManifestDigest !== null);
  return dropped.filter((ref) => !(rewritten && ref === own));
}
