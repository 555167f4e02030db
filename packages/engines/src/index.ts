export {
  type AssembledEngine,
  assembleEngines,
  type EngineAssembly,
  type EngineSettings,
} from './assembly/assemble-engines.js';
export { buildahStorageDrivers } from './assembly/buildah-storage.js';
export type { BuildkitDaemons } from './assembly/buildkit-daemons.js';
export { EngineSettingsError } from './assembly/engine-settings-error.js';
export { type CommandProbe, commandProbe } from './command-probe.js';
export { createEngine, type EngineWiring, isBuildkitPool } from './create-engine.js';
export { type EngineSelection, EngineUnavailableError, selectEngine } from './select-engine.js';
