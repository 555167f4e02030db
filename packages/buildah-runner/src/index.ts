export {
  type BuildArgsContext,
  type BuildArgsRequest,
  buildahBuildArgs,
  buildahGlobalArgs,
  buildahPushArgs,
  type GlobalArgsInput,
  type PushArgsInput,
} from './args.js';
export { type CacheSourceChoice, chooseCacheSource, skopeoRepositoryProbe } from './cache-source.js';
export { classifyFailure, type FailureFacts } from './classify.js';
export { type BuildahEngine, createBuildahEngine } from './engine.js';
export { BuildahError, type BuildahErrorCode, type BuildahErrorDetails } from './errors.js';
export type {
  BuildahEngineOptions,
  Isolation,
  ProbeContext,
  RepositoryProbe,
  RetryOptions,
  StorageDriver,
} from './options.js';
export {
  BuildahOutputParser,
  type BuildahOutputSummary,
  type CacheImageRef,
  type OutputParserOptions,
  type OutputStream,
  type ParsedStep,
} from './output-parser.js';
export { renderRegistriesConf } from './registries-conf.js';
export { type SeedBusyboxOptions, type SeededImage, seedBusyboxBaseImage } from './seed.js';
