export {
  type BuildahCacheOptions,
  buildahCacheArgs,
  isBuildahCacheTag,
  renderBuildahCache,
} from './buildah.js';
export {
  type BuildkitCacheOptions,
  buildctlCacheArgs,
  type RenderOptions,
  renderBuildkitCache,
} from './buildkit.js';
export { cacheHitRatio } from './cache-hit-ratio.js';
export {
  type CacheConfig,
  type CacheConfigInput,
  CacheConfigSchema,
  type CacheStrategy,
  CacheStrategySchema,
  cacheConfigJsonSchema,
  parseCacheConfig,
} from './config.js';
export { engineTempPlaceholder } from './engine-temp-placeholder.js';
export { CacheRefError, type CacheRefErrorCode } from './errors.js';
export {
  type CacheLocation,
  type CacheLocationInput,
  type CacheLocations,
  cacheLocation,
  cacheLocations,
  leaseLocation,
  type ResolvedStrategy,
  resolveStrategy,
} from './layout.js';
export {
  type BuildEngineKind,
  type CacheEndpoint,
  type CachePlan,
  type CachePlanInput,
  type LeaseEndpoint,
  planCache,
} from './plan.js';
export {
  detectRegistryKind,
  type RegistryKind,
  RegistryKindSchema,
  type RegistryProfile,
  type RegistryProfileOverride,
  RegistryProfileSchema,
  registryKinds,
  resolveRegistryProfile,
} from './profiles.js';
export {
  dockerHubRegistry,
  formatImageReference,
  type ImageReference,
  parseImageReference,
  validateRegistryHost,
  validateRepositoryPath,
} from './reference.js';
export {
  type ExportRun,
  isRunExportTag,
  isRunExportTagOf,
  type ParsedRunExportTag,
  parseRunExportTag,
  type RunExport,
  runExportTag,
  runScopedExport,
} from './run-export.js';
export { type SanitizeOptions, sanitizeComponent } from './sanitize.js';
