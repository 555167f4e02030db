// The public API: what a platform team needs to plan, render and recognise deployer's cache refs.
// Everything else (patterns, sanitising, strategy resolution, schema parts) stays internal.

// Configuration and registry profiles.
export {
  type CacheConfig,
  type CacheConfigInput,
  CacheConfigSchema,
  type CacheStrategy,
  cacheConfigJsonSchema,
  parseCacheConfig,
  type ResolvedStrategy,
} from './config/cache-config.js';
export {
  type RegistryKind,
  type RegistryProfile,
  type RegistryProfileOverride,
  registryKinds,
  resolveRegistryProfile,
} from './config/registry-profiles.js';
// Engine names and the values every engine shares.
export { cacheHitRatio } from './engines/cache-hit-ratio.js';
export {
  type CacheFlavour,
  cacheFlavourOf,
  cacheFlavours,
  type EngineChoice,
  type EngineName,
  engineChoices,
} from './engines/engine-names.js';
export { engineTempPlaceholder } from './engines/engine-temp-placeholder.js';
export { CacheRefError, type CacheRefErrorCode } from './errors.js';
export {
  type BuildahGlobalArgsInput,
  type BuildahPushArgsInput,
  type BuildahStorageDriver,
  buildahGlobalArgs,
  buildahPushArgs,
} from './flags/buildah-command.js';
// Engine cache flags.
export {
  type BuildahCacheOptions,
  buildahCacheArgs,
  isBuildahCacheTag,
  renderBuildahCache,
} from './flags/buildah-flags.js';
export {
  type BuildkitCacheOptions,
  buildctlCacheArgs,
  type RenderOptions,
  renderBuildkitCache,
} from './flags/buildkit-flags.js';
// Image references (distribution grammar).
export {
  formatImageReference,
  type ImageReference,
  parseImageReference,
  validateRegistryHost,
  validateRepositoryPath,
} from './grammar/reference.js';
// Plans: which refs a build reads, writes and leases; where a run exports.
export {
  type CacheLocation,
  type CacheLocationInput,
  type CacheLocations,
  cacheLocation,
  cacheLocations,
  type LeaseLocations,
  leaseLocation,
  leaseLocations,
} from './plan/cache-location.js';
export {
  type CacheEndpoint,
  type CachePlan,
  type CachePlanInput,
  type LeaseEndpoint,
  planCache,
} from './plan/plan-cache.js';
export {
  type ExportRun,
  isRunExportTag,
  isRunExportTagOf,
  type ParsedRunExportTag,
  parseRunExportTag,
  type RunExport,
  runExportTag,
  runScopedExport,
} from './plan/run-export.js';
