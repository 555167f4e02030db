/**
 * The names that say "which engine", each defined here once:
 * - `EngineChoice`: what a user asks for (spec `engine`, `--engine`, `DEPLOYER_ENGINE`); `auto` lets
 *   `@deployer/engines` pick what the machine has.
 * - `EngineName`: what actually runs a build.
 * - `CacheFlavour`: which cache flags and layout a cache plan speaks; docker buildx is BuildKit inside
 *   Docker, so it speaks BuildKit's.
 */
export const engineChoices = ['auto', 'buildkit', 'buildah', 'buildx'] as const;
export type EngineChoice = (typeof engineChoices)[number];
export type EngineName = Exclude<EngineChoice, 'auto'>;

export const cacheFlavours = ['buildkit', 'buildah'] as const;
export type CacheFlavour = (typeof cacheFlavours)[number];

/**
 * The cache flavour an engine's plans need. `auto` (nothing selected yet, e.g. planning offline) counts
 * as BuildKit, the flavour of two of the three engines `auto` may pick.
 */
export function cacheFlavourOf(engine: EngineChoice): CacheFlavour {
  return engine === 'buildah' ? 'buildah' : 'buildkit';
}
