export type { ProbeContext, RepositoryProbe } from './cache-source/probe.js';
export { type BuildahEngine, createBuildahEngine } from './engine/create-engine.js';
export type { BuildahEngineOptions, Isolation, RetryOptions, StorageDriver } from './engine/options.js';
export { BuildahError, type BuildahErrorCode, type BuildahErrorDetails } from './failures/errors.js';
