// The public API: the client, its options and results, typed errors, OCI manifest types and media types.
export type { Credentials } from './auth/credentials.js';
export { type DockerConfigOptions, resolveDockerCredentials } from './auth/docker-config.js';
export type { UploadedBlob } from './blobs/blobs.js';
export { sha256Digest } from './blobs/digest.js';
export { type PingResult, RegistryClient, type RegistryClientOptions } from './client.js';
export {
  isRegistryError,
  type RegistryApiError,
  type RegistryApiErrorCode,
  RegistryError,
  type RegistryErrorCode,
  type TransportErrorCode,
} from './errors.js';
export { type CallOptions, formatRef } from './http/context.js';
export type { RetryOptions } from './http/retry-policy.js';
export type { RequestEvent } from './http/send.js';
export { annotationManifestDigest } from './manifests/annotation-manifest.js';
export type { CopyManifestInput } from './manifests/copy.js';
export type { FetchedManifest, ManifestHead } from './manifests/manifests.js';
export { isIndexMediaType, isManifestMediaType, MediaTypes } from './manifests/media-types.js';
export {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  isImageIndex,
  type Manifest,
} from './manifests/types.js';
export type { UntagOptions } from './manifests/untag.js';
export { mapLimit } from './map-limit.js';
export type { PageOptions } from './tags/tags.js';
