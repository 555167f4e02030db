import type { BuildEngine } from '../engine/build-engine.js';
import type { CacheFlavour } from '../engine/engine-names.js';

/** What an engine's `detect` sees: the process environment (its PATH, its daemon addresses). */
export interface EngineDetectContext {
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * What an engine's `create` gets. Only what every engine may need: the built-in engines' own settings
 * (BuildKit daemons and TLS, buildah's storage) are closed over by their definitions, checked once by the
 * assembly, so a plugin's engine reads its own settings from `env` (or from its plugin's options).
 */
export interface EngineCreateContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The registry credentials' folder (DOCKER_CONFIG), when set. */
  readonly dockerConfigDir?: string;
  /**
   * Another registered engine, as the assembly made it (a built-in one with its checked settings: daemons,
   * TLS, pool, storage), shared with every other user of that name: an engine that wraps another asks here.
   * Asking for the engine being created is refused, and so is closing a longer loop (`a` wraps `b`, `b`
   * wraps `a`): an `EngineSettingsError` (exit 2) naming the chain, `a → b → a`.
   */
  engine(name: string): Promise<BuildEngine>;
}

/**
 * One engine as `--engine NAME`, DEPLOYER_ENGINE, a spec's `engine` and `auto` see it. The built-in engines
 * (`buildkit`, `buildx`, `buildah`) are definitions too, registered the same way a plugin's are.
 */
export interface EngineDefinition {
  /** Lower-case letters, digits and dashes, starting with a letter (`engineNamePattern`); never `auto`. */
  readonly name: string;
  /** Which cache flags and layout its builds speak: cache plans are made for this flavour. */
  readonly cacheFlavour: CacheFlavour;
  /** One line for `--help`-like listings and errors. */
  readonly description?: string;
  /**
   * For `auto`: a reason when this machine can run it (`docker with buildx answers`), else undefined.
   * Without `detect` the engine is never picked by `auto`, only by name.
   */
  detect?(context: EngineDetectContext): Promise<string | undefined>;
  /** The engine; called once per assembly, on first use, and shared after. */
  create(context: EngineCreateContext): Promise<BuildEngine>;
}
