// What a platform team needs to build, plan and clean up environments; everything else is internal
// (tests import it from its file). The ports (BuildEngine, ImageRegistry, CacheRegistry, LeaseRegistry,
// RegistryPort) come from @deployer/contracts.
export { buildEnvironment } from './build/build-environment.js';
export {
  type ContentMtime,
  contentMtime,
  contentMtimeNs,
  type StampContentMtimesOptions,
  type StampedContext,
  stampContentMtimes,
} from './build/content-mtimes.js';
export type { DeployEvent, DeployEventBody } from './build/events.js';
export { hookBuildReport, hookTeardownResult } from './build/hook-contexts.js';
export type { BuildEnvironmentOptions } from './build/options.js';
export {
  type BuildReport,
  type FailureCause,
  reportToJson,
  type ServiceResult,
  type ServiceStatus,
} from './build/report.js';
export {
  type CacheInventoryEntry,
  type CacheInventoryOptions,
  listEnvironmentCache,
} from './cache/list-environment-cache.js';
export type { CacheRefresh } from './cache/refresh-decision.js';
export type { ServiceSeeding } from './cache/seed-decision.js';
export {
  collectGarbage,
  type GcEntry,
  type GcOptions,
  type GcResult,
} from './cleanup/collect-garbage.js';
export type { ImageGcEntry } from './cleanup/collect-images.js';
export type { LeaseGcEntry } from './cleanup/collect-leases.js';
export {
  collectRunExports,
  type RunExportGcEntry,
  type RunExportGcOptions,
} from './cleanup/collect-run-exports.js';
export {
  type DownAction,
  type DownOptions,
  type DownResult,
  downEnvironment,
} from './cleanup/down-environment.js';
export { parseDuration } from './cleanup/duration.js';
export { type NewerRun, SupersededError } from './coordination/superseded-error.js';
export { Supersession } from './coordination/supersession.js';
export type { LeaseOptions } from './coordination/writer-lease.js';
export {
  BuildUuidError,
  DurationError,
  type InputError,
  isInputError,
  SpecError,
  type SpecErrorCode,
} from './errors.js';
export { engineArgvs, plannedRun } from './plan/engine-request.js';
export type { FallbackChoice, ImportSource } from './plan/import-order.js';
export {
  isOwnershipTag,
  type Ownership,
  ownershipTag,
  parseOwnershipTag,
} from './plan/ownership-tag.js';
export {
  type EnvironmentPlan,
  type PlanOptions,
  planEnvironment,
  type RegistryProblem,
  type ServicePlan,
} from './plan/plan-environment.js';
export { SecretMasker } from './secrets/secret-masker.js';
export { environmentJsonSchema } from './spec/environment-json-schema.js';
export { type EnvironmentOverrides, overridesFromEnv } from './spec/environment-overrides.js';
export {
  CacheSpecSchema,
  type EnvironmentSpec,
  type EnvironmentSpecInput,
  EnvironmentSpecSchema,
  RegistrySpecSchema,
  SecretSchema,
} from './spec/environment-schema.js';
export { insecureRegistries } from './spec/insecure-registries.js';
export {
  type Environment,
  type LoadEnvironmentOptions,
  loadEnvironment,
  type ResolvedService,
  type ResolveEnvironmentOptions,
  resolveEnvironment,
} from './spec/load-environment.js';
export type { OperatorSettings } from './spec/operator-settings.js';
// How spec errors name where and why; the server's config errors read the same way.
export { formatSpecPath } from './spec/spec-path.js';
export { issueMessage } from './spec/zod-issue-message.js';
export {
  buildUuidMaxLength,
  type GenerateBuildUuidOptions,
  generateBuildUuid,
  isBuildUuid,
  validateBuildUuid,
} from './uuid/build-uuid.js';
