import type { CacheRefInfo } from './cache-ref-info.js';
import type { CacheSeedResult } from './cache-seed.js';
import type { StoredManifest } from './stored-manifest.js';

/**
 * deployer's caches in a registry: inventory, inspection, deletion of caches only, buildah's per-environment
 * cache repositories, promotion of a run's export and the run export tags themselves. References are full
 * `host/repository:tag` strings; repository references are `host/repository`.
 */
export interface CacheRegistry {
  /**
   * Every cache of a service under a cache repository (`host/repository`): both strategies, both layouts;
   * only caches (a BuildKit cache manifest at a cache tag, buildah's cache-key tags), never an image.
   */
  listCacheRefs(
    cacheRepository: string,
    service: string,
    options?: { signal?: AbortSignal },
  ): Promise<CacheRefInfo[]>;
  /**
   * What a cache-shaped ref (`host/repository:tag`) holds: its digest, whether the manifest is a
   * BuildKit cache (not an image) and, for a cache, its newest `buildkit/createdat` (null without any);
   * null when it does not exist.
   */
  inspectCacheRef(
    ref: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ digest: string; cache: boolean; mediaType: string; createdAt: Date | null } | null>;
  /**
   * Removes cache refs, each with the digest it was judged at, and nothing else: a ref pointing elsewhere
   * by now stays, and a manifest other tags still name (an environment's cache identical to its
   * fallback's) loses only these tags. Returns the refs removed.
   */
  removeCacheRefs(
    refs: readonly { ref: string; digest: string }[],
    options?: { signal?: AbortSignal },
  ): Promise<string[]>;
  /**
   * Deletes every tag of a repository (`host/repository`), or only `options.tags`, each distinct manifest
   * once; returns the tags deleted. For repositories one environment owns (its buildah cache).
   */
  deleteRepositoryTags(
    repository: string,
    options?: { tags?: readonly string[]; signal?: AbortSignal },
  ): Promise<string[]>;
  /**
   * A run's export tag as stored (its exact bytes), or null when the engine wrote none: read before
   * promoting, with the lease, so the promotion is then one PUT of these bytes.
   */
  runExportManifest(runRef: string, options?: { signal?: AbortSignal }): Promise<StoredManifest | null>;
  /**
   * Promotes a run's export tag onto the environment's cache tag (same repository): one manifest PUT of the
   * run tag's exact bytes and media type, so readers only ever see complete manifests. Returns the digest.
   * `options.manifest`: the run tag's bytes as runExportManifest read them (only this run writes its run
   * tag, and its engine has exited, so they are still the tag's), one round trip fewer.
   */
  promoteCache(
    runRef: string,
    cacheRef: string,
    options?: { signal?: AbortSignal; manifest?: StoredManifest },
  ): Promise<string>;
  /** BuildKit runs' export tags of a service still in the registry (`cache gc` removes dead runs' ones). */
  listRunExports(
    cacheRepository: string,
    service: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ ref: string; startedAt: Date }[]>;
  /**
   * Writes `toRef` (same registry) as a copy of the BuildKit cache at `fromRef` with registry-side
   * operations only: cross-repository blob mounts for every blob the cache references (none within one
   * repository), then the manifest's exact bytes. No blob is downloaded or uploaded. Writes only `toRef`.
   */
  seedCacheRef(fromRef: string, toRef: string, options?: { signal?: AbortSignal }): Promise<CacheSeedResult>;
}
