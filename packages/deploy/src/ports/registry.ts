/**
 * The registry port. deploy owns it; @deployer/registry's client is adapted to it in apps/deployer.
 * References are full `host/repository:tag` strings.
 */

export interface CacheRefInfo {
  strategy: 'path' | 'tag';
  ref: string;
  /** The build uuid component as found in the ref; null for the service-wide ref. */
  buildUuid: string | null;
  digest: string;
  sizeBytes: number;
  /** Newest `buildkit/createdat` in the cache index, where present. */
  createdAt: Date | null;
}

export interface RegistryPort {
  /** The digest of an image, or null when it does not exist. */
  imageDigest(ref: string, options?: { signal?: AbortSignal }): Promise<string | null>;
  /** Deletes a tag (resolve, then delete by digest); false when it did not exist. */
  deleteTag(ref: string, options?: { signal?: AbortSignal }): Promise<boolean>;
  /** Every cache ref of a service under a cache repository (`host/repository`), both strategies. */
  listCacheRefs(
    cacheRepository: string,
    service: string,
    options?: { signal?: AbortSignal },
  ): Promise<CacheRefInfo[]>;
  /** Tags of an image repository (`host/repository`). */
  listTags(repository: string, options?: { signal?: AbortSignal }): Promise<string[]>;
  /**
   * Points `targetRef` at the manifest `sourceRef` names (same repository), returning its digest. Optional:
   * with it, a service skipped because its image exists still gets the environment's tag, so `down` knows
   * the environment uses that image.
   */
  tagImage?(sourceRef: string, targetRef: string, options?: { signal?: AbortSignal }): Promise<string>;
}
