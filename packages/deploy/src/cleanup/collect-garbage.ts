import type {
  BuildUuid,
  CacheRefInfo,
  CacheRegistry,
  ImageRegistry,
  LeaseRegistry,
} from '@deployer/contracts';
import { cacheRepository, environmentCaches } from '../cache/environment-caches.js';
import { defaultLeaseStaleAfterMs } from '../coordination/writer-lease.js';
import type { Environment } from '../spec/load-environment.js';
import { collectImages, type ImageGcEntry } from './collect-images.js';
import { collectLeases, type LeaseGcEntry } from './collect-leases.js';

export interface GcOptions {
  registry: ImageRegistry & CacheRegistry & LeaseRegistry;
  /**
   * Caches last written longer ago than this many milliseconds go (see parseDuration): a BuildKit ref by
   * its newest `buildkit/createdat`, a buildah cache repository by its newest image `created`; and the
   * images of environments that are gone, by their config's `created` (see collect-images.ts).
   */
  olderThanMs: number;
  /**
   * Replaces the spec's fallbacks: their refs, leases and images are never deleted. `deployer serve`
   * passes every live environment here too.
   */
  fallbacks?: readonly BuildUuid[];
  /**
   * Leases claimed longer ago than this are dead runs' and go (not `olderThanMs`: a lease says nothing
   * of a cache's age). Default the age at which a build takes a lease over at once (2 h).
   */
  leaseStaleAfterMs?: number;
  now?: Date;
  dryRun?: boolean;
  services?: readonly string[];
  signal?: AbortSignal;
}

export interface GcEntry extends CacheRefInfo {
  service: string;
  action: 'delete' | 'keep';
  reason: string;
  deleted: boolean;
}

export interface GcResult {
  cutoff: string;
  dryRun: boolean;
  entries: GcEntry[];
  /** Every lease tag found: those of runs that are gone (removed), the rest kept, each with why. */
  leases: LeaseGcEntry[];
  /**
   * The ownership tags of environments not in `fallbacks` (and the content tags they free), each with what
   * was done and why (see collect-images.ts).
   */
  images: ImageGcEntry[];
}

/**
 * Deletes stale caches of an environment spec's services (`deployer cache gc`), never a fallback's: BuildKit
 * refs and buildah cache repositories alike. Caches of unknown age are kept. Then removes the leases runs
 * killed before releasing them left (collectLeases): never a live one, never a fallback's. Then the images
 * of environments other than the fallbacks built before the cutoff that no other tag uses (collectImages):
 * never a fallback's, never an environment's current image.
 */
export async function collectGarbage(environment: Environment, options: GcOptions): Promise<GcResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.olderThanMs);
  const dryRun = options.dryRun ?? false;
  const request = options.signal === undefined ? undefined : { signal: options.signal };
  const fallbacks = options.fallbacks ?? environment.fallbacks;
  const entries: GcEntry[] = [];
  const staleTags: GcEntry[] = [];

  for (const service of environment.services) {
    if (options.services !== undefined && !options.services.includes(service.name)) continue;
    const protectedRefs = new Set(
      fallbacks.flatMap((fallback) => environmentCaches(environment, service.name, fallback)),
    );
    for (const info of await options.registry.listCacheRefs(
      cacheRepository(environment),
      service.name,
      request,
    )) {
      const [action, reason] = decide(info, protectedRefs, cutoff);
      const entry: GcEntry = { ...info, service: service.name, action, reason, deleted: false };
      entries.push(entry);
      if (action !== 'delete' || dryRun) continue;
      if (info.layout === 'tag') staleTags.push(entry);
      else entry.deleted = await deleteRepositoryCache(options.registry, info, request);
    }
  }
  // BuildKit refs go together, each by the digest it was judged at (see CacheRegistry.removeCacheRefs):
  // one pass over the cache repository's tags, and a fallback's identical cache keeps its manifest.
  if (staleTags.length > 0) {
    const removed = new Set(
      await options.registry.removeCacheRefs(
        staleTags.map((entry) => ({ ref: entry.ref, digest: entry.digest! })),
        request,
      ),
    );
    for (const entry of staleTags) entry.deleted = removed.has(entry.ref);
  }
  const leases = await collectLeases(environment, {
    registry: options.registry,
    fallbacks,
    now,
    staleAfterMs: options.leaseStaleAfterMs ?? defaultLeaseStaleAfterMs,
    dryRun,
    ...(options.services !== undefined && { services: options.services }),
    request,
  });
  const images = await collectImages(environment, {
    registry: options.registry,
    protectedUuids: new Set(fallbacks),
    cutoff,
    dryRun,
    ...(options.services !== undefined && { services: options.services }),
    request,
  });
  return { cutoff: cutoff.toISOString(), dryRun, entries, leases, images };
}

/**
 * A buildah cache repository goes tag by tag as inventoried (only its cache-key tags are): a tag pushed
 * since (a build running now) is not judged by the cutoff, so it stays.
 */
async function deleteRepositoryCache(
  registry: CacheRegistry,
  info: CacheRefInfo,
  request: { signal: AbortSignal } | undefined,
): Promise<boolean> {
  const deleted = await registry.deleteRepositoryTags(info.ref, { ...request, tags: info.tags });
  return deleted.length > 0;
}

function decide(
  info: CacheRefInfo,
  protectedRefs: ReadonlySet<string>,
  cutoff: Date,
): ['delete' | 'keep', string] {
  if (protectedRefs.has(info.ref)) return ['keep', 'fallback environment'];
  if (info.createdAt === null) {
    const missing = info.layout === 'tag' ? 'buildkit/createdat annotation' : 'image created time';
    return ['keep', `no ${missing}: age unknown`];
  }
  if (info.createdAt.getTime() >= cutoff.getTime())
    return ['keep', `created ${info.createdAt.toISOString()}`];
  return ['delete', `created ${info.createdAt.toISOString()}, before ${cutoff.toISOString()}`];
}
