/** The `retry` option's shape (defaults in `@deployer/retry`): `attempts` runs in all, the first included. */
export type { RetryPolicy } from '@deployer/retry';
export { type BuildkitAddress, type BuildkitTls, parseBuildkitAddress } from './command-line/address.js';
export { buildctlConnectionArgs } from './command-line/buildctl-args.js';
export { type BuildkitEngine, createBuildkitEngine } from './engine/engine.js';
export type { BuildkitEngineOptions } from './engine/options.js';
export { BuildkitError, type BuildkitErrorCode } from './failures/errors.js';
export { readSolveStatus, SolveStatusReader } from './progress/read-solve-status.js';
