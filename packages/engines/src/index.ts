export {
  type AssembledEngine,
  assembleEngines,
  type EngineAssembly,
  type EngineSettings,
} from './assembly/assemble-engines.js';
export { buildahStorageDrivers } from './assembly/buildah-storage.js';
export type { BuildkitDaemons } from './assembly/buildkit-daemons.js';
export { type EngineRegistry, engineRegistry } from './assembly/engine-registry.js';
export { EngineSettingsError } from './assembly/engine-settings-error.js';
export { builtinEngineDefinitions, type EngineWiring, isBuildkitPool } from './builtin-engines.js';
export { type CommandProbe, commandProbe } from './command-probe.js';
export { createEngine } from './create-engine.js';
export { type EngineSelection, EngineUnavailableError, pickEngine, selectEngine } from './select-engine.js';
