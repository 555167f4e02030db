// The public API: run a process, its outcome and start failure; one detached process; owned temp directories;
// a free loopback port for a process to listen on.
export { ProcessError, type ProcessErrorCode } from './errors.js';
export { type ChildScope, trackChild, untrackChild } from './group/live-children.js';
export { isAlive } from './group/process-alive.js';
export { terminate } from './group/terminate.js';
export { deployerCacheDir } from './machine/deployer-cache-dir.js';
export { findFreePort, isPortFree } from './port/free-port.js';
export type { OutputListeners, OutputStream } from './run/read-output.js';
export {
  type ProcessOutcome,
  type RunProcessOptions,
  runProcess,
  warmUpProcessRunner,
} from './run/run-process.js';
export {
  makeOwnedTempDir,
  removeDeadOwnersTempDirs,
  sweepDeadOwnersTempDirs,
} from './temp/owned-temp-dir.js';
export { unmountUnder } from './temp/unmount-under.js';
