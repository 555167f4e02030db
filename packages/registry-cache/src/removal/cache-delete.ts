import { type CallOptions, isRegistryError, mapLimit, type RegistryClient } from '@deployer/registry';
import { existingTags } from '../existing-tags.js';
import type { CacheInventoryEntry } from '../inventory/list-cache-refs.js';

export interface DeleteCacheRefsResult {
  deleted: CacheInventoryEntry[];
  failed: { entry: CacheInventoryEntry; error: unknown }[];
}

export interface DeleteOptions extends CallOptions {
  /** DELETE requests in flight. Default 4. */
  concurrency?: number;
}

/** Deletes each manifest once; a manifest already gone counts as deleted. Returns the error per failure. */
async function deleteDigests(
  client: RegistryClient,
  targets: readonly { repository: string; digest: string }[],
  options: DeleteOptions,
): Promise<Map<string, unknown>> {
  const unique = new Map(targets.map((target) => [`${target.repository}@${target.digest}`, target]));
  const failures = new Map<string, unknown>();
  await mapLimit([...unique], options.concurrency ?? 4, async ([key, { repository, digest }]) => {
    try {
      await client.deleteManifest(repository, digest, { signal: options.signal });
    } catch (error) {
      if (!isRegistryError(error, 'MANIFEST_UNKNOWN')) failures.set(key, error);
    }
  });
  return failures;
}

/**
 * Deletes inventory entries by digest with bounded concurrency: a tag entry's one manifest, every
 * manifest of a repository entry as inventoried (tags pushed since are left alone). A digest several
 * entries share is deleted once. An entry counts as deleted when all its manifests are gone.
 */
export async function deleteCacheRefs(
  client: RegistryClient,
  entries: readonly CacheInventoryEntry[],
  options: DeleteOptions = {},
): Promise<DeleteCacheRefsResult> {
  const targets = entries.flatMap((entry) =>
    entry.digests.map((digest) => ({ repository: entry.repository, digest })),
  );
  const failures = await deleteDigests(client, targets, options);
  const result: DeleteCacheRefsResult = { deleted: [], failed: [] };
  for (const entry of entries) {
    const failure = entry.digests
      .map((digest) => failures.get(`${entry.repository}@${digest}`))
      .find((error) => error !== undefined);
    if (failure === undefined) result.deleted.push(entry);
    else result.failed.push({ entry, error: failure });
  }
  return result;
}

export interface DeleteRepositoryTagsOptions extends DeleteOptions {
  /** Only these tags; default every tag the repository has now. */
  tags?: readonly string[];
}

export interface DeleteRepositoryTagsResult {
  /** Tags whose manifests were deleted, with the digest each pointed at. */
  deleted: { tag: string; digest: string }[];
  /** Asked-for tags that did not exist. */
  missing: string[];
}

/**
 * Empties a repository (or removes some of its tags): resolves each tag once, then deletes each distinct
 * manifest once. Registries delete manifests, not tags: any other tag on the same manifest goes too,
 * which is why this is meant for repositories that belong to one owner, like a buildah cache repository.
 * Throws the first failure once the requests in flight have settled.
 */
export async function deleteRepositoryTags(
  client: RegistryClient,
  repository: string,
  options: DeleteRepositoryTagsOptions = {},
): Promise<DeleteRepositoryTagsResult> {
  const call = { signal: options.signal };
  const tags = options.tags ?? (await existingTags(client, repository, call));
  const concurrency = options.concurrency ?? 4;
  const heads = await mapLimit(tags, concurrency, (tag) => client.headManifest(repository, tag, call));
  const result: DeleteRepositoryTagsResult = { deleted: [], missing: [] };
  tags.forEach((tag, index) => {
    const head = heads[index];
    if (head === undefined) result.missing.push(tag);
    else result.deleted.push({ tag, digest: head.digest });
  });
  const failures = await deleteDigests(
    client,
    result.deleted.map(({ digest }) => ({ repository, digest })),
    options,
  );
  const [first] = failures.values();
  if (failures.size > 0) throw first;
  return result;
}
