export {
  SeedBaseImageError,
  type SeedBusyboxOptions,
  type SeededImage,
  seedBusyboxBaseImage,
} from './base-image/seed-busybox-base-image.js';
export type { ProbeContext, RepositoryProbe } from './cache-source/probe.js';
export {
  type BuildahGlobalArgsInput,
  type BuildahPushArgsInput,
  buildahGlobalArgs,
  buildahPushArgs,
  type StorageDriver,
} from './command-line/buildah-command.js';
export { type BuildahEngine, createBuildahEngine } from './engine/create-engine.js';
export type { BuildahEngineOptions, Isolation, RetryOptions } from './engine/options.js';
export { BuildahError, type BuildahErrorCode, type BuildahErrorDetails } from './failures/errors.js';
export {
  type CacheImageCopier,
  type CacheImageCopy,
  type CacheImageCopyContext,
  mountCacheImages,
} from './own-cache/mount-cache-image.js';
export {
  type BuildahStorage,
  type BuildahStorageRequest,
  resolveBuildahStorage,
} from './storage/buildah-storage.js';
export { machineBuildahDir } from './storage/machine-storage.js';
export { probeStorageDriver, type StorageDriverChoice } from './storage/storage-driver.js';
