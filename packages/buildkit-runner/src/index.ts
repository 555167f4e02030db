/** The `retry` option's shape and defaults: `attempts` runs in all, the first included. */
export { defaultRetryPolicy, type RetryPolicy } from '@deployer/retry';
export { type BuildkitAddress, type BuildkitTls, parseBuildkitAddress } from './address.js';
export { type BuildctlArgsOptions, buildctlArgs } from './buildctl-args.js';
export { type BuildxArgsOptions, buildxArgs } from './buildx-args.js';
export { classifyFailure, type FailureContext, missingBlobDigest } from './classify.js';
export { corruptRefsToReport } from './corrupt-cache.js';
export { type BuildkitEngine, createBuildkitEngine } from './engine.js';
export { BuildkitError, type BuildkitErrorCode, type BuildkitErrorDetails } from './errors.js';
export { type BuildMetadata, parseBuildMetadata, readBuildMetadata } from './metadata.js';
export type { BuildkitEngineOptions } from './options.js';
export { type FailedStep, type ProgressSummary, ProgressTracker } from './progress-tracker.js';
export { readSolveStatus, SolveStatusReader } from './read-solve-status.js';
export {
  parseTraceLine,
  type SolveLog,
  type SolveStatus,
  type SolveVertex,
  type SolveWarning,
} from './solve-status.js';
export { SolveStatusDecoder } from './status-decoder.js';
export { isCountedStep, parseStepName, type StepName } from './step-name.js';
export { type BuildCommandRequest, validateBuildRequest } from './validate-request.js';
