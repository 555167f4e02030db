import { type CallOptions, isRegistryError, mapLimit, type RegistryClient } from '@deployer/registry';
import { existingTags } from '../existing-tags.js';
import { isBuildkitCacheManifest } from '../inventory/cache-manifest.js';
import { collectBlobs } from '../inventory/cache-measure.js';

export interface InspectedCacheTag {
  digest: string;
  /** The manifest is BuildKit's registry cache (see isBuildkitCacheManifest). */
  cache: boolean;
  mediaType: string;
  /** Newest `buildkit/createdat` of a cache (how fresh it is); null for an image or without any. */
  createdAt: Date | null;
}

/** What a cache-shaped tag holds, so that only a cache is ever deleted there; null when it is absent. */
export async function inspectCacheTag(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: CallOptions = {},
): Promise<InspectedCacheTag | null> {
  try {
    const fetched = await client.getManifest(repository, tag, options);
    const cache = isBuildkitCacheManifest(fetched.manifest);
    return {
      digest: fetched.digest,
      cache,
      mediaType: fetched.mediaType,
      // Read the way the inventory reads it (a cache index's annotations, nested manifests followed).
      createdAt: cache
        ? await collectBlobs(client, repository, fetched.manifest, new Map(), { signal: options.signal })
        : null,
    };
  } catch (error) {
    if (isRegistryError(error, 'MANIFEST_UNKNOWN') || isRegistryError(error, 'NAME_UNKNOWN')) return null;
    throw error;
  }
}

export interface CacheTagToRemove {
  tag: string;
  /** The digest the tag was judged at: a tag that points elsewhere by now is left alone. */
  digest: string;
}

/**
 * Removes cache tags of one repository and nothing else. Registries delete manifests, not tags, and an
 * environment warmed entirely from `main` exports a cache byte for byte `main`'s: under the tag strategy
 * both tags then name one manifest in one repository. So every tag of the repository is resolved once; a
 * manifest is deleted only when all tags pointing at it are being removed, otherwise just the tags go
 * (untag). A tag that no longer points at the digest it was judged at (rewritten since) is kept.
 * Returns the tags removed. Requests: one tag listing, one HEAD per tag, one DELETE per manifest or tag.
 */
export async function removeCacheTags(
  client: RegistryClient,
  repository: string,
  remove: readonly CacheTagToRemove[],
  options: CallOptions & { concurrency?: number } = {},
): Promise<string[]> {
  if (remove.length === 0) return [];
  const call = { signal: options.signal };
  const tags = await existingTags(client, repository, call);
  const heads = await mapLimit(tags, options.concurrency ?? 8, (tag) =>
    client.headManifest(repository, tag, call),
  );
  const current = new Map<string, string>();
  tags.forEach((tag, index) => {
    const digest = heads[index]?.digest;
    if (digest !== undefined) current.set(tag, digest);
  });

  const removing = new Map<string, string[]>();
  for (const { tag, digest } of remove) {
    if (current.get(tag) !== digest) continue;
    removing.set(digest, [...(removing.get(digest) ?? []), tag]);
  }
  const removed: string[] = [];
  for (const [digest, ownTags] of removing) {
    const kept = [...current].filter(([tag, at]) => at === digest && !ownTags.includes(tag));
    if (kept.length === 0) {
      // Gone already (another remover came first) counts as removed.
      await client.deleteTaggedManifest(repository, digest, ownTags, call);
      removed.push(...ownTags);
      continue;
    }
    for (const tag of ownTags) if (await client.untag(repository, tag, call)) removed.push(tag);
  }
  return removed;
}
