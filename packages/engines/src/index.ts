export type { CacheFlavour, EngineChoice, EngineName } from '@deployer/cache-ref';
export { cacheFlavourOf, engineChoices } from '@deployer/cache-ref';
export { type CommandProbe, commandProbe } from './command-probe.js';
export { createEngine, type EngineWiring, isBuildkitPool } from './create-engine.js';
export { type EngineSelection, EngineUnavailableError, selectEngine } from './select-engine.js';
