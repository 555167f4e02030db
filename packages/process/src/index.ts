export { ProcessError, type ProcessErrorCode, type ProcessErrorDetails } from './errors.js';
export { type ChildScope, trackChild, untrackChild } from './group/live-children.js';
export { isAlive } from './group/process-alive.js';
export { groupAlive, killGroup, signalGroup, stopGroup, waitForGroupExit } from './group/process-group.js';
export { terminate } from './group/terminate.js';
export {
  dieWithParentLaunch,
  type EngineLaunch,
  type EngineLaunchInput,
  type ExecutableLookup,
  findExecutable,
  type PlannedEngineLaunch,
  parentDeathSignal,
  planEngineLaunch,
} from './launch/engine-launch.js';
export { launchOnThisHost } from './launch/host-launch.js';
export type { OutputListeners, OutputStream } from './run/read-output.js';
export { type ProcessOutcome, type RunProcessOptions, runProcess } from './run/run-process.js';
export { currentOwner, makeOwnedTempDir, removeDeadOwnersTempDirs } from './temp/owned-temp-dir.js';
export { ownedTempDirPrefix, pidNamespaceOf, staleTempDirs, type TempOwner } from './temp/temp-owner.js';
