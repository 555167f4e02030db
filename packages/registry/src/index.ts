export type { LeaseHolder } from '@deployer/contracts';
export { type AuthChallenge, parseChallenge } from './auth/challenge.js';
export { getFromCredentialHelper } from './auth/credential-helper.js';
export type { Credentials } from './auth/credentials.js';
export {
  type DockerConfigOptions,
  dockerConfigPath,
  resolveDockerCredentials,
} from './auth/docker-config.js';
export type { UploadedBlob } from './blobs.js';
export type {
  DeleteCacheRefsResult,
  DeleteOptions,
  DeleteRepositoryTagsOptions,
  DeleteRepositoryTagsResult,
} from './cache-delete.js';
export { isBuildkitCacheManifest } from './cache-manifest.js';
export { parseCreatedAt } from './cache-measure.js';
export {
  type CacheTagToRemove,
  type InspectedCacheTag,
  inspectCacheTag,
  removeCacheTags,
} from './cache-tag-removal.js';
export { isLoopbackHost, type PingResult, RegistryClient, type RegistryClientOptions } from './client.js';
export type { CallOptions } from './context.js';
export type { CopyManifestInput } from './copy.js';
export { sha256Digest } from './digest.js';
export {
  isRegistryError,
  type RegistryApiError,
  type RegistryApiErrorCode,
  RegistryError,
  type RegistryErrorCode,
  type TransportErrorCode,
} from './errors.js';
export type {
  CacheInventoryEntry,
  CacheInventoryOptions,
  CacheRepositoryEntry,
  CacheTagEntry,
} from './inventory.js';
export type { FetchedManifest, ManifestHead } from './manifests.js';
export { mapLimit } from './map-limit.js';
export { MANIFEST_ACCEPT, MediaTypes } from './media-types.js';
export {
  createRegistryPort,
  type RegistryPortAdapter,
  type RegistryPortOptions,
} from './port.js';
export { backoffDelay, parseRetryAfter, type RetryOptions } from './retry.js';
export type { RunExportTag } from './run-exports.js';
export type { RequestEvent } from './send.js';
export type { PageOptions } from './tags.js';
export { nextLink } from './tags.js';
export type { Descriptor, ImageIndex, ImageManifest, Manifest } from './types.js';
