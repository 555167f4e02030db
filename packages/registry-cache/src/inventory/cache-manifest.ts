import { isImageIndex, type Manifest, MediaTypes } from '@deployer/registry';

/**
 * Whether a manifest is BuildKit's registry cache, the only kind of manifest `down` and `cache gc` delete
 * at a cache tag. BuildKit writes an OCI image index (a Docker manifest list without oci-mediatypes)
 * whose entries are the cache's layers plus one `application/vnd.buildkit.cacheconfig.v0` blob; with
 * `image-manifest=true` (BuildKit ≥ 0.12, for ECR) an image manifest whose config is that blob. An image,
 * single- or multi-platform, has neither, so an image pushed to a tag that looks like a cache ref is no
 * cache.
 */
export function isBuildkitCacheManifest(manifest: Manifest): boolean {
  if (isImageIndex(manifest)) {
    return manifest.manifests.some((entry) => entry.mediaType === MediaTypes.buildkitCacheConfig);
  }
  return manifest.config?.mediaType === MediaTypes.buildkitCacheConfig;
}
