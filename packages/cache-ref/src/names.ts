// `@deployer/cache-ref/names`: the names a command line offers as choices (engines, cache flavours,
// registry kinds), without the config schemas. A CLI's `--help` imports this alone, so it never loads zod.

export { registryKinds } from './config/registry-kinds.js';
export {
  type CacheFlavour,
  cacheFlavours,
  type EngineChoice,
  type EngineName,
  engineChoices,
} from './engines/engine-names.js';
