export { imageCreatedAt } from './images/image-created.js';
export { removeImageTags } from './images/image-tag-removal.js';
export { listTagDigests } from './images/tag-digests.js';
export { isBuildkitCacheManifest } from './inventory/cache-manifest.js';
export {
  type CacheInventoryEntry,
  type CacheInventoryOptions,
  type CacheRepositoryEntry,
  type CacheTagEntry,
  listCacheRefs,
} from './inventory/list-cache-refs.js';
export { type LeaseTag, listLeaseTags } from './leases/lease-listing.js';
export { claimLease, leaseHolder, readLease, releaseLease } from './leases/lease-manifest.js';
export {
  createRegistryPort,
  type RegistryPortAdapter,
  type RegistryPortOptions,
} from './port/registry-port.js';
export {
  type DeleteCacheRefsResult,
  type DeleteOptions,
  type DeleteRepositoryTagsOptions,
  type DeleteRepositoryTagsResult,
  deleteCacheRefs,
  deleteRepositoryTags,
} from './removal/cache-delete.js';
export {
  type CacheTagToRemove,
  type InspectedCacheTag,
  inspectCacheTag,
  removeCacheTags,
} from './removal/cache-tag-removal.js';
export { promoteRunExport, readRunExport } from './run-exports/promote-run-export.js';
export { listRunExportTags, type RunExportTag } from './run-exports/run-exports.js';
export { type SeedLocation, seedCacheRef } from './seeding/seed-cache-ref.js';
