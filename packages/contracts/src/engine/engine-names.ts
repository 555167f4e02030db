/**
 * The names that say "which engine", each defined here once:
 * - `EngineChoice`: what a user asks for (spec `engine`, `--engine`, `DEPLOYER_ENGINE`); `auto` lets
 *   `@deployer/engines` pick what the machine has. Open: a config module may register more engines
 *   (`EngineDefinition`), so any name of `engineNamePattern`'s shape may be asked for; the assembly
 *   refuses one nobody registered.
 * - `EngineName`: what actually runs a build.
 * - `CacheFlavour`: which cache flags and layout a cache plan speaks; docker buildx is BuildKit inside
 *   Docker, so it speaks BuildKit's.
 */
export const builtinEngineNames = ['buildkit', 'buildah', 'buildx'] as const;
export type BuiltinEngineName = (typeof builtinEngineNames)[number];
/** `auto` and the built-in engines; a config module's engines come on top (see the assembly's `names`). */
export const engineChoices = ['auto', ...builtinEngineNames] as const;
export type EngineChoice = string;
export type EngineName = string;

/** The shape of an engine's name (`--engine`, DEPLOYER_ENGINE, the spec's `engine`, a plugin's engine). */
export const engineNamePattern = /^[a-z][a-z0-9-]*$/;

export const cacheFlavours = ['buildkit', 'buildah'] as const;
export type CacheFlavour = (typeof cacheFlavours)[number];

/**
 * The cache flavour a built-in engine's plans need. `auto` (nothing selected yet, e.g. planning offline)
 * counts as BuildKit, the flavour of two of the three built-in engines `auto` may pick. A plugin's engine
 * says its own (`EngineDefinition.cacheFlavour`, the assembly's `AssembledEngine.cacheFlavour`): callers
 * that may see a plugin's name ask the assembly, not this.
 */
export function cacheFlavourOf(engine: EngineChoice): CacheFlavour {
  return engine === 'buildah' ? 'buildah' : 'buildkit';
}
