import { cacheLocations, isBuildahCacheTag, isRunExportTag } from '@deployer/cache-ref';
import type { ResolvedStrategy } from '@deployer/contracts';
import {
  type CallOptions,
  type FetchedManifest,
  formatRef,
  isRegistryError,
  mapLimit,
  type RegistryClient,
} from '@deployer/registry';
import { existingTags } from '../existing-tags.js';
import { isBuildkitCacheManifest } from './cache-manifest.js';
import { collectBlobs, sumSizes } from './cache-measure.js';
import { measureRepositories } from './cache-repository.js';
import { type PathRepository, pathRepositories } from './path-repositories.js';

interface CacheEntryBase {
  strategy: ResolvedStrategy;
  repository: string;
  /** The environment's uuid component as found in the ref; null for the service-wide ref. */
  buildUuid: string | null;
  /** Every tag the entry covers: `[tag]` for a tag entry, the repository's cache tags otherwise. */
  tags: string[];
  /** Distinct manifest digests behind `tags` (what deleting the entry deletes). */
  digests: string[];
  /** Sum of the distinct blobs its manifests reference (children of nested manifests included). */
  sizeBytes: number;
}

/** BuildKit's registry cache: one cache manifest at one tag. */
export interface CacheTagEntry extends CacheEntryBase {
  layout: 'tag';
  /** `host/repository:tag` */
  ref: string;
  tag: string;
  digest: string;
  /** Newest `buildkit/createdat` annotation in the cache manifest, when BuildKit wrote any. */
  createdAt: Date | null;
}

/**
 * buildah's registry cache (`--cache-to host/repository`): a repository of per-layer cache images, one
 * tag per cache key. Only the path strategy has one: the repository is the environment's.
 */
export interface CacheRepositoryEntry extends CacheEntryBase {
  strategy: 'path';
  layout: 'repository';
  /** `host/repository`, no tag. */
  ref: string;
  tag: null;
  digest: null;
  /** Newest `created` among its images' configs. */
  createdAt: Date | null;
}

export type CacheInventoryEntry = CacheTagEntry | CacheRepositoryEntry;

export interface CacheInventoryOptions extends CallOptions {
  /** Cache repository as configured for cache-ref (e.g. `next-web`). */
  repository: string;
  service: string;
  /** Default: both. */
  strategies?: readonly ResolvedStrategy[];
  /** Requests in flight (tag listings, manifest and config fetches). Default 8. */
  concurrency?: number;
  /** Catalog page size (`n`). Default 1000, distribution's maximum. */
  catalogPageSize?: number;
}

interface TagCandidate {
  strategy: ResolvedStrategy;
  repository: string;
  tag: string;
  buildUuid: string | null;
}

function tagCandidates(input: CacheInventoryOptions, tags: readonly string[]): TagCandidate[] {
  const { tag } = cacheLocations(input);
  const found: TagCandidate[] = [];
  for (const name of tags) {
    if (name === tag.serviceTag) {
      found.push({ strategy: 'tag', repository: tag.repository, tag: name, buildUuid: null });
    } else if (
      name.startsWith(tag.tagPrefix) &&
      name.length > tag.tagPrefix.length &&
      // A run's export tag is promoted to the cache tag, not a cache of its own (see run-exports.ts).
      !isRunExportTag(name)
    ) {
      found.push({
        strategy: 'tag',
        repository: tag.repository,
        tag: name,
        buildUuid: name.slice(tag.tagPrefix.length),
      });
    }
  }
  return found;
}

async function tagEntry(
  client: RegistryClient,
  candidate: TagCandidate,
  options: CallOptions,
): Promise<CacheTagEntry | undefined> {
  let fetched: FetchedManifest;
  try {
    fetched = await client.getManifest(candidate.repository, candidate.tag, options);
  } catch (error) {
    if (isRegistryError(error, 'MANIFEST_UNKNOWN') || isRegistryError(error, 'NAME_UNKNOWN'))
      return undefined;
    throw error;
  }
  // A tag shaped like a cache ref that holds an image (or anything else) is no cache: never reported.
  if (!isBuildkitCacheManifest(fetched.manifest)) return undefined;
  const blobs = new Map<string, number>();
  const createdAt = await collectBlobs(client, candidate.repository, fetched.manifest, blobs, options);
  return {
    ...candidate,
    layout: 'tag',
    ref: formatRef(client.host, candidate.repository, candidate.tag),
    tags: [candidate.tag],
    digest: fetched.digest,
    digests: [fetched.digest],
    sizeBytes: sumSizes(blobs),
    createdAt,
  };
}

/**
 * Every cache of one service, under both cache-ref strategies:
 * - path: repositories `<repo>/<service>/<uuid>` from the catalog, each listed once. Its `cache` tag is
 *   BuildKit's ref (a tag entry); its 64-hex tags are buildah's per-layer cache images (one repository
 *   entry); other tags are none of these. A repository with no tags (all deleted; distribution keeps it
 *   in the catalog) is no entry.
 *   Deeper repositories, such as a lease's `<repo>/<service>/<uuid>/lease`, are none of them.
 * - tag: tags `cache-<service>-<uuid>` of `<repo>`, from one tag listing (`lease-…` tags never match).
 * A tag entry is reported only when its manifest is a BuildKit cache (see isBuildkitCacheManifest): an
 * image at a cache-shaped tag is not a cache, so `cache ls` never shows it and `cache gc` never deletes it.
 * Run export tags (`…--run-…`, cache-ref's run-export.ts) are in neither: they are listed by run-exports.ts.
 * Requests: catalog pages + one tag listing per path repository + one manifest GET per tag found + one
 * config GET per distinct buildah image config. Entries come in catalog order, then tag order.
 */
export async function listCacheRefs(
  client: RegistryClient,
  input: CacheInventoryOptions,
): Promise<CacheInventoryEntry[]> {
  const strategies = input.strategies ?? ['path', 'tag'];
  const concurrency = input.concurrency ?? 8;
  const options = { signal: input.signal };
  const { path, tag } = cacheLocations(input);

  const repositories = strategies.includes('path') ? await pathRepositories(client, input) : [];
  const listed = await mapLimit(repositories, concurrency, async (found) => ({
    ...found,
    tags: await existingTags(client, found.repository, options),
  }));
  // Slots keep the entries in catalog order; each points into `candidates` or `buildah`.
  const slots: { layout: 'tag' | 'repository'; index: number }[] = [];
  const candidates: TagCandidate[] = [];
  const buildah: (PathRepository & { tags: string[] })[] = [];
  for (const { repository, buildUuid, tags } of listed) {
    if (tags.includes(path.tag)) {
      slots.push({ layout: 'tag', index: candidates.length });
      candidates.push({ strategy: 'path', repository, tag: path.tag, buildUuid });
    }
    const layerTags = tags.filter((name) => name !== path.tag && isBuildahCacheTag(name));
    if (layerTags.length > 0) {
      slots.push({ layout: 'repository', index: buildah.length });
      buildah.push({ repository, buildUuid, tags: layerTags });
    }
  }
  if (strategies.includes('tag')) {
    for (const candidate of tagCandidates(input, await existingTags(client, tag.repository, options))) {
      slots.push({ layout: 'tag', index: candidates.length });
      candidates.push(candidate);
    }
  }

  const tagEntries = await mapLimit(candidates, concurrency, (candidate) =>
    tagEntry(client, candidate, options),
  );
  const measured = await measureRepositories(client, buildah, concurrency, options);
  const entries = slots.map(({ layout, index }): CacheInventoryEntry | undefined => {
    if (layout === 'tag') return tagEntries[index];
    const found = measured[index];
    const group = buildah[index];
    if (found === undefined || group === undefined) return undefined;
    return {
      strategy: 'path',
      layout: 'repository',
      ref: formatRef(client.host, found.repository),
      repository: found.repository,
      tag: null,
      buildUuid: group.buildUuid,
      tags: found.tags,
      digest: null,
      digests: found.digests,
      sizeBytes: found.sizeBytes,
      createdAt: found.createdAt,
    };
  });
  return entries.filter((e): e is CacheInventoryEntry => e !== undefined);
}
