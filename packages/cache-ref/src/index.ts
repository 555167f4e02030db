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
  type ResolvedStrategy,
} from './config.js';
export {
  type CacheFlavour,
  cacheFlavourOf,
  cacheFlavours,
  type EngineChoice,
  type EngineName,
  engineChoices,
} from './engine-names.js';
export { engineTempPlaceholder } from './engine-temp-placeholder.js';
export { CacheRefError, type CacheRefErrorCode } from './errors.js';
export {
  type CacheLocation,
  type CacheLocationInput,
  type CacheLocations,
  cacheLocation,
  cacheLocations,
  leaseLocation,
  resolveStrategy,
} from './layout.js';
export {
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
