import type { CacheRefInfo, LeaseHolder } from '@deployer/cache-ref';

/**
 * The registry port. deploy owns it; @deployer/registry's `createRegistryPort` satisfies it structurally.
 * References are full `host/repository:tag` strings; repository references are `host/repository`.
 */

export interface RegistryPort {
  /** The digest of an image, or null when it does not exist. */
  imageDigest(ref: string, options?: { signal?: AbortSignal }): Promise<string | null>;
  /** Deletes a tag (resolve, then delete by digest); false when it did not exist. */
  deleteTag(ref: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Removes exactly this tag, other tags of the same image staying; false when it did not exist. */
  untag(ref: string, options?: { signal?: AbortSignal }): Promise<boolean>;
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
   * What a cache-shaped ref (`host/repository:tag`) holds: its digest and whether the manifest is a
   * BuildKit cache (not an image); null when it does not exist.
   */
  inspectCacheRef(
    ref: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ digest: string; cache: boolean; mediaType: string } | null>;
  /**
   * Removes cache refs, each with the digest it was judged at, and nothing else: a ref pointing elsewhere
   * by now stays, and a manifest other tags still name (an environment's cache identical to its
   * fallback's) loses only these tags. Returns the refs removed.
   */
  removeCacheRefs(
    refs: readonly { ref: string; digest: string }[],
    options?: { signal?: AbortSignal },
  ): Promise<string[]>;
  /** Tags of a repository (`host/repository`); none when it does not exist. */
  listTags(repository: string, options?: { signal?: AbortSignal }): Promise<string[]>;
  /**
   * Deletes every tag of a repository (`host/repository`), or only `options.tags`, each distinct manifest
   * once; returns the tags deleted. For repositories one environment owns (its buildah cache).
   */
  deleteRepositoryTags(
    repository: string,
    options?: { tags?: readonly string[]; signal?: AbortSignal },
  ): Promise<string[]>;
  /**
   * Promotes a run's export tag onto the environment's cache tag (same repository): one manifest PUT of the
   * run tag's exact bytes and media type, so readers only ever see complete manifests. Returns the digest.
   */
  promoteCache(runRef: string, cacheRef: string, options?: { signal?: AbortSignal }): Promise<string>;
  /** BuildKit runs' export tags of a service still in the registry (`cache gc` removes dead runs' ones). */
  listRunExports(
    cacheRepository: string,
    service: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ ref: string; startedAt: Date }[]>;
  /**
   * Points `targetRef` at the manifest `sourceRef` names (same repository), returning its digest. Optional:
   * with it, a service skipped because its image exists still gets the environment's tag, so `down` knows
   * the environment uses that image.
   */
  tagImage?(sourceRef: string, targetRef: string, options?: { signal?: AbortSignal }): Promise<string>;
  /**
   * Makes `holder` the holder of the lease at `leaseRef` (cache-ref's `CachePlan.lease`), returning who held
   * it before, or null. Last write wins: the registry has no compare-and-swap.
   */
  claimLease(
    leaseRef: string,
    holder: LeaseHolder,
    options?: { signal?: AbortSignal },
  ): Promise<LeaseHolder | null>;
  /** Who holds the lease at `leaseRef`; null when nobody does. */
  leaseHolder(leaseRef: string, options?: { signal?: AbortSignal }): Promise<LeaseHolder | null>;
  /** Deletes the lease if `runId` still holds it; false when another run or nobody does. */
  releaseLease(leaseRef: string, runId: string, options?: { signal?: AbortSignal }): Promise<boolean>;
}
