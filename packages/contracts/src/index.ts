export type { BuildUuid } from './build-uuid.js';
export type { CacheEndpoint, CachePlan, LeaseEndpoint } from './cache/cache-plan.js';
export type { CacheStrategy, ResolvedStrategy } from './cache/cache-strategy.js';
export type {
  RegistryKind,
  RegistryProfile,
  RegistryProfileEntry,
} from './cache/registry-profile.js';
export type { BuildEngine } from './engine/build-engine.js';
export type { BuildEvent } from './engine/build-event.js';
export type { EngineBuildRequest } from './engine/build-request.js';
export type {
  CacheSeeding,
  EngineBuildResult,
  StepCounts,
  StepTiming,
} from './engine/build-result.js';
export { cacheHitRatio } from './engine/cache-hit-ratio.js';
export type { EngineArgv, EngineArgvUnresolved } from './engine/engine-argv.js';
export type { BuildFailureKind, EngineFailure } from './engine/engine-failure.js';
export {
  type BuiltinEngineName,
  builtinEngineNames,
  type CacheFlavour,
  cacheFlavourOf,
  cacheFlavours,
  type EngineChoice,
  type EngineName,
  engineChoices,
  engineNamePattern,
} from './engine/engine-names.js';
export { engineTempPlaceholder } from './engine/engine-temp-placeholder.js';
export {
  type SecretEnvironment,
  type SecretSource,
  type UnavailableSecretSource,
  unavailableSecretSource,
} from './engine/secret-source.js';
export { CodedError } from './errors/coded-error.js';
export {
  type DeployerConfig,
  type DeployerPlugin,
  type DeployerPluginConfig,
  defineConfig,
} from './plugin/deployer-config.js';
export type {
  EngineCreateContext,
  EngineDefinition,
  EngineDetectContext,
} from './plugin/engine-definition.js';
export type {
  AfterBuildContext,
  AfterTeardownContext,
  BeforeBuildContext,
  HookBuildReport,
  HookServiceResult,
  HookTeardownResult,
  LifecycleHooks,
} from './plugin/lifecycle-hooks.js';
export type { CacheRefInfo } from './registry/cache-ref-info.js';
export type { CacheRegistry } from './registry/cache-registry.js';
export type { CacheSeedRefusal, CacheSeedResult } from './registry/cache-seed.js';
export type { ImageRegistry } from './registry/image-registry.js';
export type { ImageTagRemoval, ImageTagRemovalResult } from './registry/image-tag-removal.js';
export type { LeaseHolder } from './registry/lease-holder.js';
export type { LeaseInfo } from './registry/lease-info.js';
export type { LeaseRegistry } from './registry/lease-registry.js';
export type { RegistryPort } from './registry/registry-port.js';
export type { StoredManifest } from './registry/stored-manifest.js';
export type {
  BuildKind,
  BuildRecord,
  BuildStatus,
  EnvironmentDetail,
  EnvironmentKind,
  EnvironmentStatus,
  EnvironmentSummary,
} from './server/environment-views.js';
