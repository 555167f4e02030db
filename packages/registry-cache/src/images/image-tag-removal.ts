import type { ImageTagRemoval, ImageTagRemovalResult } from '@deployer/contracts';
import { type CallOptions, mapLimit, type RegistryClient } from '@deployer/registry';
import { existingTags } from '../existing-tags.js';
import { listTagDigests, tagDigestConcurrency } from './tag-digests.js';

/**
 * Removes images' tags, deciding on the repository as it is now (ImageRegistry.removeImageTags). Registries
 * delete manifests, not tags, and deleting a manifest deletes every tag pointing at it: so every tag of the
 * repository is resolved first, and a manifest is deleted only when each tag pointing at it is one of the
 * removal's (`tags` or `withManifest`); otherwise only `tags` go, one by one (untag), and `withManifest`
 * stays. A tag no longer at the removal's digest is left alone.
 *
 * Right before a manifest is deleted the repository is listed once more, and a tag written since the first
 * listing that points at the manifest keeps it: an environment skipping onto this image writes a new tag
 * (its ownership tag, before its own tag). What remains is a window of about one round trip (that listing,
 * the HEADs of new tags, the DELETE), and a tag that existed before and was moved onto this very image
 * meanwhile is not seen.
 *
 * Requests: one listing and one HEAD per tag; per manifest deleted one more listing, a HEAD per new tag and
 * the DELETE; per tag untagged its untag.
 */
export async function removeImageTags(
  client: RegistryClient,
  repository: string,
  removals: readonly ImageTagRemoval[],
  options: CallOptions = {},
): Promise<ImageTagRemovalResult[]> {
  if (removals.length === 0) return [];
  const call = { signal: options.signal };
  const current = new Map<string, string>();
  for (const { tag, digest } of await listTagDigests(client, repository, call)) current.set(tag, digest);

  const results: ImageTagRemovalResult[] = [];
  for (const { digest, tags: given, withManifest: collected } of removals) {
    const at = (tag: string) => current.get(tag) === digest;
    const tags = [...new Set(given)].filter(at);
    const withManifest = [...new Set(collected)].filter((tag) => at(tag) && !tags.includes(tag));
    const ours = new Set([...tags, ...withManifest]);
    let otherTags = [...current]
      .filter(([tag, pointsAt]) => pointsAt === digest && !ours.has(tag))
      .map(([tag]) => tag);
    if (otherTags.length === 0 && ours.size > 0) {
      otherTags = await tagsWrittenSince(client, repository, current, digest, call);
      if (otherTags.length === 0) {
        // Gone already (another remover came first) counts as deleted.
        await client.deleteTaggedManifest(repository, digest, [...ours], call);
        for (const tag of ours) current.delete(tag);
        results.push({ digest, manifestDeleted: true, removed: [...ours], otherTags: [] });
        continue;
      }
    }
    const removed: string[] = [];
    for (const tag of tags) {
      if (await client.untag(repository, tag, call)) removed.push(tag);
      current.delete(tag);
    }
    results.push({ digest, manifestDeleted: false, removed, otherTags });
  }
  return results;
}

/** Tags listed now that were not at the first listing and point at `digest`; they join `current`. */
async function tagsWrittenSince(
  client: RegistryClient,
  repository: string,
  current: Map<string, string>,
  digest: string,
  call: CallOptions,
): Promise<string[]> {
  const fresh = (await existingTags(client, repository, call)).filter((tag) => !current.has(tag));
  const heads = await mapLimit(fresh, tagDigestConcurrency, (tag) =>
    client.headManifest(repository, tag, call),
  );
  const appeared: string[] = [];
  fresh.forEach((tag, index) => {
    const found = heads[index]?.digest;
    if (found === undefined) return;
    current.set(tag, found);
    if (found === digest) appeared.push(tag);
  });
  return appeared;
}
