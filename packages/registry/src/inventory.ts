import { cacheLocations } from '@deployer/cache-ref';
import { type CallOptions, formatRef, type RegistryContext } from './context.js';
import { isRegistryError } from './errors.js';
import { deleteManifest, getManifest } from './manifests.js';
import { mapLimit } from './map-limit.js';
import { isManifestMediaType } from './media-types.js';
import { listCatalogPages, listTagPages } from './tags.js';
import { type Descriptor, isImageIndex, type Manifest } from './types.js';

export type CacheStrategyName = 'path' | 'tag';

export interface CacheInventoryEntry {
  strategy: CacheStrategyName;
  /** `host/repository:tag` */
  ref: string;
  repository: string;
  tag: string;
  /** The environment's uuid component as found in the ref; null for the service-wide ref. */
  buildUuid: string | null;
  digest: string;
  /** Sum of the distinct blobs the cache manifest references (children of nested manifests included). */
  sizeBytes: number;
  /** Newest `buildkit/createdat` annotation in the cache manifest, when BuildKit wrote any. */
  createdAt: Date | null;
}

export interface CacheInventoryOptions extends CallOptions {
  /** Cache repository as configured for cache-ref (e.g. `next-web`). */
  repository: string;
  service: string;
  /** Default: both. */
  strategies?: readonly CacheStrategyName[];
  /** Manifest fetches in flight. Default 8. */
  concurrency?: number;
  /** Catalog page size (`n`). Default 1000, distribution's maximum. */
  catalogPageSize?: number;
}

const CREATED_AT = 'buildkit/createdat';

interface Candidate {
  strategy: CacheStrategyName;
  repository: string;
  tag: string;
  buildUuid: string | null;
}

async function pathCandidates(ctx: RegistryContext, input: CacheInventoryOptions): Promise<Candidate[]> {
  const { path } = cacheLocations(input);
  const found: Candidate[] = [];
  // One catalog walk for all environments: requests grow with the catalog, not with refs × catalog.
  for await (const page of listCatalogPages(ctx, {
    pageSize: input.catalogPageSize ?? 1000,
    signal: input.signal,
  })) {
    for (const name of page) {
      if (name === path.serviceRepository) {
        found.push({ strategy: 'path', repository: name, tag: path.tag, buildUuid: null });
      } else if (name.startsWith(path.repositoryPrefix)) {
        const uuid = name.slice(path.repositoryPrefix.length);
        if (uuid && !uuid.includes('/'))
          found.push({ strategy: 'path', repository: name, tag: path.tag, buildUuid: uuid });
      }
    }
  }
  return found;
}

async function tagCandidates(ctx: RegistryContext, input: CacheInventoryOptions): Promise<Candidate[]> {
  const { tag } = cacheLocations(input);
  const found: Candidate[] = [];
  try {
    for await (const page of listTagPages(ctx, tag.repository, { signal: input.signal })) {
      for (const name of page) {
        if (name === tag.serviceTag) {
          found.push({ strategy: 'tag', repository: tag.repository, tag: name, buildUuid: null });
        } else if (name.startsWith(tag.tagPrefix) && name.length > tag.tagPrefix.length) {
          found.push({
            strategy: 'tag',
            repository: tag.repository,
            tag: name,
            buildUuid: name.slice(tag.tagPrefix.length),
          });
        }
      }
    }
  } catch (error) {
    if (isRegistryError(error, 'NAME_UNKNOWN')) return [];
    throw error;
  }
  return found;
}

/** RFC 3339 with up to nanoseconds (Go's format); JavaScript dates keep milliseconds. */
export function parseCreatedAt(value: string | undefined): Date | null {
  if (!value) return null;
  const normalised = value.replace(/(\.\d{3})\d+/, '$1');
  const time = Date.parse(normalised);
  return Number.isNaN(time) ? null : new Date(time);
}

function descriptorsOf(manifest: Manifest): Descriptor[] {
  return isImageIndex(manifest) ? manifest.manifests : [manifest.config, ...manifest.layers];
}

/** Size and newest BuildKit creation time of one cache manifest, following nested manifests once. */
async function measure(
  ctx: RegistryContext,
  repository: string,
  manifest: Manifest,
  options: CallOptions,
): Promise<{ sizeBytes: number; createdAt: Date | null }> {
  const blobs = new Map<string, number>();
  let newest: number | null = null;
  const visit = async (doc: Manifest, depth: number) => {
    for (const descriptor of descriptorsOf(doc)) {
      const created = parseCreatedAt(descriptor.annotations?.[CREATED_AT]);
      if (created && (newest === null || created.getTime() > newest)) newest = created.getTime();
      if (isImageIndex(doc) && isManifestMediaType(descriptor.mediaType) && depth < 2) {
        const child = await getManifest(ctx, repository, descriptor.digest, options);
        await visit(child.manifest, depth + 1);
      } else {
        blobs.set(descriptor.digest, descriptor.size);
      }
    }
  };
  await visit(manifest, 0);
  let sizeBytes = 0;
  for (const size of blobs.values()) sizeBytes += size;
  return { sizeBytes, createdAt: newest === null ? null : new Date(newest) };
}

/**
 * Every cache ref of one service, under both cache-ref strategies: path (`<repo>/<service>/<uuid>:cache`,
 * found through the catalog) and tag (`<repo>:cache-<service>-<uuid>`, found through the tag list).
 * One manifest GET per ref; refs whose tag vanished in between are skipped.
 */
export async function listCacheRefs(
  ctx: RegistryContext,
  input: CacheInventoryOptions,
): Promise<CacheInventoryEntry[]> {
  const strategies = input.strategies ?? ['path', 'tag'];
  const candidates = [
    ...(strategies.includes('path') ? await pathCandidates(ctx, input) : []),
    ...(strategies.includes('tag') ? await tagCandidates(ctx, input) : []),
  ];
  const options = { signal: input.signal };
  const entries = await mapLimit(candidates, input.concurrency ?? 8, async (candidate) => {
    let fetched: Awaited<ReturnType<typeof getManifest>>;
    try {
      fetched = await getManifest(ctx, candidate.repository, candidate.tag, options);
    } catch (error) {
      // distribution keeps a repository in the catalog after its last manifest is deleted.
      if (isRegistryError(error, 'MANIFEST_UNKNOWN') || isRegistryError(error, 'NAME_UNKNOWN'))
        return undefined;
      throw error;
    }
    const { sizeBytes, createdAt } = await measure(ctx, candidate.repository, fetched.manifest, options);
    const entry: CacheInventoryEntry = {
      ...candidate,
      ref: formatRef(ctx.host, candidate.repository, candidate.tag),
      digest: fetched.digest,
      sizeBytes,
      createdAt,
    };
    return entry;
  });
  return entries.filter((e): e is CacheInventoryEntry => e !== undefined);
}

export interface DeleteCacheRefsResult {
  deleted: CacheInventoryEntry[];
  failed: { entry: CacheInventoryEntry; error: unknown }[];
}

/**
 * Deletes cache refs by digest with bounded concurrency. Entries sharing a repository and digest are
 * deleted once (a second DELETE would be a 404); a ref already gone counts as deleted.
 */
export async function deleteCacheRefs(
  ctx: RegistryContext,
  entries: readonly CacheInventoryEntry[],
  options: CallOptions & { concurrency?: number } = {},
): Promise<DeleteCacheRefsResult> {
  const groups = new Map<string, CacheInventoryEntry[]>();
  for (const entry of entries) {
    const key = `${entry.repository}@${entry.digest}`;
    groups.set(key, [...(groups.get(key) ?? []), entry]);
  }
  const result: DeleteCacheRefsResult = { deleted: [], failed: [] };
  await mapLimit([...groups.values()], options.concurrency ?? 4, async (group) => {
    const [first] = group as [CacheInventoryEntry];
    try {
      await deleteManifest(ctx, first.repository, first.digest, { signal: options.signal });
      result.deleted.push(...group);
    } catch (error) {
      if (isRegistryError(error, 'MANIFEST_UNKNOWN')) result.deleted.push(...group);
      else for (const entry of group) result.failed.push({ entry, error });
    }
  });
  return result;
}
