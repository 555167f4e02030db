// The public API: what a platform team needs to plan, render and recognise deployer's cache refs.
// Everything else (patterns, sanitising, strategy resolution, schema parts) stays internal. The shapes a
// plan is made of (`CachePlan`, `CacheEndpoint`, `RegistryProfile`, `ResolvedStrategy`, …) and the engine
// names are @deployer/contracts', their one owner: import them from there.

// Configuration and registry profiles.
export {
  type CacheConfig,
  type CacheConfigInput,
  CacheConfigSchema,
  cacheConfigJsonSchema,
  parseCacheConfig,
} from './config/cache-config.js';
export {
  type RegistryProfileOverride,
  registryKinds,
  resolveRegistryProfile,
} from './config/registry-profiles.js';
export { CacheRefError, type CacheRefErrorCode } from './errors.js';
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
export { type CachePlanInput, planCache } from './plan/plan-cache.js';
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
