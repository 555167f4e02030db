export { buildEnvironment } from './build/build-environment.js';
export type { DeployEvent, DeployEventBody } from './build/events.js';
export type { BuildEnvironmentOptions } from './build/options.js';
export {
  type BuildReport,
  type FailureCause,
  reportToJson,
  type ServiceResult,
  type ServiceStatus,
  summarize,
} from './build/report.js';
export {
  collectRunExports,
  type RunExportGcEntry,
  type RunExportGcOptions,
} from './cache/gc-run-exports.js';
export { type HealOutcome, healCorruptCacheRefs } from './cache/heal.js';
export {
  decidePromotion,
  discardRunExport,
  type PromoteInput,
  type PromotionDecision,
  type PromotionOutcome,
  promoteRunExport,
} from './cache/promote.js';
export { type FoundCacheRef, whyKeepCacheRef } from './cache-deletion.js';
export {
  cacheRepository,
  environmentCacheRefs,
  environmentCacheRepository,
  environmentCaches,
} from './cache-refs.js';
export {
  type ContentTagInput,
  contentDigest,
  contentTag,
  contextFiles,
  loadDockerIgnore,
} from './content-tag.js';
export {
  type HeldLease,
  type HoldLeaseInput,
  holdLease,
  isNewerRun,
  type LeaseOptions,
} from './coordination/lease.js';
export { type NewerRun, SupersededError } from './coordination/superseded-error.js';
export { type Claim, defaultSupersession, Supersession } from './coordination/supersession.js';
export { type DockerIgnore, parseDockerIgnore } from './dockerignore.js';
export { type DownAction, type DownOptions, type DownResult, downEnvironment } from './down.js';
export { parseDuration } from './duration.js';
export { engineArgvs, engineRequest, plannedRun, type RequestExtras } from './engine-request.js';
export {
  BuildUuidError,
  DurationError,
  type InputError,
  isInputError,
  SpecError,
  type SpecErrorCode,
} from './errors.js';
export { collectGarbage, type GcEntry, type GcOptions, type GcResult } from './gc.js';
export { type DependencyNode, dependencyOrder, dependentsOf, withDependencies } from './graph.js';
export { imageRef, imageRepository, isContentTag } from './image-refs.js';
export { insecureRegistries } from './insecure-registries.js';
export {
  type CacheInventoryEntry,
  type CacheInventoryOptions,
  listEnvironmentCache,
} from './inventory.js';
export {
  type EnvironmentPlan,
  type PlanOptions,
  planEnvironment,
  type RegistryProblem,
  type ServicePlan,
} from './plan.js';
export { minimumMaskedLength, SecretMasker, secretMark, tooShortToMask } from './secret-masker.js';
export { checkSecretSources, type SecretMasking, secretMasking } from './secrets.js';
export { environmentJsonSchema } from './spec/json-schema.js';
export {
  type Environment,
  type LoadEnvironmentOptions,
  loadEnvironment,
  type ResolvedService,
  type ResolveEnvironmentOptions,
  resolveEnvironment,
} from './spec/load.js';
export { type EnvironmentOverrides, overridesFromEnv } from './spec/overrides.js';
export {
  type EnvironmentSpec,
  type EnvironmentSpecInput,
  EnvironmentSpecSchema,
} from './spec/schema.js';
export {
  buildUuidMaxLength,
  type GenerateBuildUuidOptions,
  generateBuildUuid,
  isBuildUuid,
  validateBuildUuid,
} from './uuid.js';
