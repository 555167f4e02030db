export type { CacheFlavour, EngineChoice, EngineName } from '@deployer/cache-ref';
export { cacheFlavourOf, engineChoices } from '@deployer/cache-ref';
export { createEngine, type EngineWiring } from './create-engine.js';
export {
  type CommandProbe,
  commandProbe,
  type EngineSelection,
  EngineUnavailableError,
  selectEngine,
} from './select-engine.js';
