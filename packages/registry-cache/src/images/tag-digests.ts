import { type CallOptions, mapLimit, type RegistryClient } from '@deployer/registry';
import { existingTags } from '../existing-tags.js';

/** HEAD requests in flight at once while resolving a repository's tags. */
export const tagDigestConcurrency = 8;

/**
 * Every tag of a repository with the digest it points at: one listing, then one HEAD per tag, a few at
 * once. A tag deleted in between is left out; `tags`: resolve these instead of listing.
 */
export async function listTagDigests(
  client: RegistryClient,
  repository: string,
  options: CallOptions & { tags?: readonly string[] } = {},
): Promise<{ tag: string; digest: string }[]> {
  const call = { signal: options.signal };
  const tags = options.tags ?? (await existingTags(client, repository, call));
  const heads = await mapLimit(tags, tagDigestConcurrency, (tag) =>
    client.headManifest(repository, tag, call),
  );
  const found: { tag: string; digest: string }[] = [];
  tags.forEach((tag, index) => {
    const digest = heads[index]?.digest;
    if (digest !== undefined) found.push({ tag, digest });
  });
  return found;
}
