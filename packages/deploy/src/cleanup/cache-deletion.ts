/**
 * What `down` and `cache gc` may delete among the refs an environment's cache names point at: a BuildKit
 * cache manifest (the registry inspects it), a buildah cache repository's layer tags (the inventory
 * reports no others), or a run tag of that environment. Never an image: an image pushed to a tag shaped
 * like a cache ref (by hand, or before deployer refused specs whose images and caches share a
 * repository) stays.
 */
export interface FoundCacheRef {
  ref: string;
  /** The manifest is a BuildKit cache. */
  cache: boolean;
  mediaType: string;
}

/**
 * `runTags`: the environment's run-scoped export refs (`…:cache--run-<start>-<run hash>`, written by one
 * run and then promoted), which the environment owns whatever they hold; `down` passes them here.
 * Returns null when the ref may be deleted, else why it stays.
 */
export function whyKeepCacheRef(
  found: FoundCacheRef,
  runTags: ReadonlySet<string> = new Set(),
): string | null {
  if (found.cache || runTags.has(found.ref)) return null;
  return `not a cache: ${found.mediaType} without BuildKit's cache config, left alone`;
}
