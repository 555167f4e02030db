export { type AuthChallenge, parseChallenge } from './auth/challenge.js';
export { getFromCredentialHelper } from './auth/credential-helper.js';
export type { Credentials } from './auth/credentials.js';
export {
  type DockerConfigOptions,
  dockerConfigPath,
  resolveDockerCredentials,
} from './auth/docker-config.js';
export type { UploadedBlob } from './blobs.js';
export { isLoopbackHost, type PingResult, RegistryClient, type RegistryClientOptions } from './client.js';
export { type CallOptions, formatRef } from './context.js';
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
export type { FetchedManifest, ManifestHead } from './manifests.js';
export { mapLimit } from './map-limit.js';
export { isIndexMediaType, isManifestMediaType, MANIFEST_ACCEPT, MediaTypes } from './media-types.js';
export { parseRetryAfter, type RetryOptions } from './retry.js';
export type { RequestEvent } from './send.js';
export type { PageOptions } from './tags.js';
export { nextLink } from './tags.js';
export {
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
  isImageIndex,
  type Manifest,
} from './types.js';
