import type { BuildahStorage } from '@deployer/buildah-runner';
import type { PoolEvent } from '@deployer/buildkit-pool';
import type {
  BuildEngine,
  CacheFlavour,
  EngineChoice,
  EngineDefinition,
  EngineName,
  RegistryPort,
} from '@deployer/contracts';
import { createRegistryPort } from '@deployer/registry-cache';
import { builtinEngineDefinitions } from '../builtin-engines.js';
import { type EngineSelection, pickEngine } from '../select-engine.js';
import { buildahStorage, buildahStorageDriver } from './buildah-storage.js';
import { type BuildkitDaemons, buildkitDaemons } from './buildkit-daemons.js';
import { buildkitTls } from './buildkit-tls.js';
import { engineRegistry } from './engine-registry.js';
import { EngineSettingsError } from './engine-settings-error.js';

/**
 * What a command line and the process environment say about engines and registries. Flags win over the
 * environment; each value is checked by `assembleEngines`, naming where it came from.
 */
export interface EngineSettings {
  /** `--buildkit-host`, repeatable; else DEPLOYER_BUILDKIT_HOSTS, else BUILDKIT_HOST. */
  buildkitHosts?: readonly string[];
  /** `--builds-per-daemon` (already a whole number); the pool's default otherwise. */
  buildsPerDaemon?: number;
  /** `--buildah-storage-driver`; else DEPLOYER_BUILDAH_STORAGE_DRIVER, else the machine's probe. */
  buildahStorageDriver?: string;
  /** What a pool does (daemons down, builds placed). */
  onPoolEvent?: (event: PoolEvent) => void;
  /**
   * More engines (a config module's), registered after the built-in ones under their own names: `--engine
   * NAME` and a spec's `engine` take them, `auto` asks their `detect` after the built-ins'.
   */
  engines?: readonly EngineDefinition[];
  /**
   * The process environment: BUILDKIT_HOST, DEPLOYER_BUILDKIT_HOSTS, DEPLOYER_BUILDKIT_TLS_DIR,
   * DEPLOYER_BUILDKIT_TLS_SERVER_NAME, DEPLOYER_BUILDAH_ROOT, DEPLOYER_BUILDAH_STORAGE_DRIVER, DOCKER_CONFIG
   * (registry credentials), PATH for the probes.
   */
  env: NodeJS.ProcessEnv;
}

/** An engine as a run or the server uses it. */
export interface AssembledEngine {
  engine: BuildEngine;
  name: EngineName;
  /** The cache layout it reads and writes (its definition's `cacheFlavour`). */
  cacheFlavour: CacheFlavour;
  /** buildah's storage and driver (for reports); absent for the BuildKit engines. */
  buildahStorage?: BuildahStorage;
}

/** Engines and registries made from one set of settings, for every entry point alike. */
export interface EngineAssembly {
  /** The BuildKit daemons named, checked; undefined when none is. */
  readonly daemons: BuildkitDaemons | undefined;
  /** `auto` and every registered engine's name, built-in ones first. */
  readonly choices: readonly string[];
  /**
   * Refuses an engine nobody registered, before anything starts: an `EngineSettingsError` (exit 2) naming
   * where the name came from (`--engine`, `DEPLOYER_ENGINE`, `env.yaml: engine`) and listing the choices.
   */
  checkChoice(choice: EngineChoice, source: string): void;
  /** The cache layout a choice's plans need (`auto` before anything is picked counts as BuildKit). */
  cacheFlavourOf(choice: EngineChoice): CacheFlavour;
  /** `auto` becomes BuildKit when any daemon is named (a flag included), else buildx, else buildah. */
  select(choice: EngineChoice): Promise<EngineSelection>;
  /** The engine by name, created on first use and shared after (a pool keeps its health and routing). */
  engine(name: EngineName): Promise<AssembledEngine>;
  /** The registry ports, speaking plain HTTP to these hosts (an environment's insecure registries). */
  registry(insecureRegistries: readonly string[]): RegistryPort;
}

/**
 * The one assembly of engines and registries from flags and environment variables: `deployer build`,
 * `plan`, `down`, `cache gc` and `serve` all get theirs here, so a setting means the same on each. Every
 * setting is checked now, before anything is planned or started; a bad one is an `EngineSettingsError`
 * (exit 2) naming the flag or variable.
 */
export async function assembleEngines(settings: EngineSettings): Promise<EngineAssembly> {
  const { env } = settings;
  const daemons = await buildkitDaemons(settings.buildkitHosts, env);
  const tls = await buildkitTls(env);
  const driver = buildahStorageDriver(settings.buildahStorageDriver, env);
  const engines = new Map<EngineName, Promise<AssembledEngine>>();
  let storage: Promise<BuildahStorage> | undefined;
  // Decided once per assembly, on buildah's first use: the probe and the storage folder are the machine's.
  const storageOnce = () => {
    storage ??= buildahStorage(driver, env);
    storage.catch(() => {
      storage = undefined;
    });
    return storage;
  };
  const builtins = builtinEngineDefinitions({
    ...(daemons !== undefined && { buildkitHosts: daemons.hosts, daemons }),
    ...(tls !== undefined && { buildkitTls: tls }),
    ...(settings.buildsPerDaemon !== undefined && { buildsPerDaemon: settings.buildsPerDaemon }),
    ...(settings.onPoolEvent !== undefined && { onPoolEvent: settings.onPoolEvent }),
    buildahStorage: storageOnce,
    env,
  });
  const registered = engineRegistry(builtins, settings.engines);

  const checkChoice = (choice: EngineChoice, source: string): void => {
    if (choice === 'auto' || registered.get(choice) !== undefined) return;
    throw new EngineSettingsError(
      source,
      `${source} must be one of ${registered.choices.join(', ')} (got ${JSON.stringify(choice)})`,
    );
  };
  const definitionOf = (name: EngineName): EngineDefinition => {
    checkChoice(name, 'engine');
    return registered.get(name) as EngineDefinition;
  };

  // Which engines each creation in progress waits for: creations run at once (two jobs, `Promise.all`), so
  // a loop is found by following these waits, not by the chain of one call.
  const waitsFor = new Map<EngineName, Set<EngineName>>();
  /** The engines from `from` to `to` along the waits, ending with `to`, or undefined if none leads there. */
  const waitChain = (
    from: EngineName,
    to: EngineName,
    seen = new Set<EngineName>(),
  ): EngineName[] | undefined => {
    if (from === to) return [to];
    if (seen.has(from)) return undefined;
    seen.add(from);
    for (const next of waitsFor.get(from) ?? []) {
      const rest = waitChain(next, to, seen);
      if (rest !== undefined) return [from, ...rest];
    }
    return undefined;
  };

  /**
   * The loop (each engine once) turned to start where it was entered, the engine nobody waits for yet, and
   * closed: `a → b → a` when `a` was asked for, whichever engine's request closed it.
   */
  const fromFirstAsked = (loop: readonly EngineName[]): EngineName[] => {
    const waitedFor = (engine: EngineName) => [...waitsFor.values()].some((waits) => waits.has(engine));
    const start = Math.max(
      0,
      loop.findIndex((engine) => !waitedFor(engine)),
    );
    const turned = [...loop.slice(start), ...loop.slice(0, start)];
    return [...turned, turned[0] as EngineName];
  };

  const create = async (name: EngineName): Promise<AssembledEngine> => {
    const definition = definitionOf(name);
    const isBuiltinBuildah = definition === builtins.find((builtin) => builtin.name === 'buildah');
    const storage = isBuiltinBuildah ? await storageOnce() : undefined;
    const engine = await definition.create({
      env,
      ...(env.DOCKER_CONFIG !== undefined && { dockerConfigDir: env.DOCKER_CONFIG }),
      // One engine wrapping another gets the shared one; a loop of wrappings would wait on itself forever,
      // so it is refused when it closes, naming the whole chain.
      engine: async (other) => {
        if (other === name)
          throw new EngineSettingsError('config module', `engine ${name} cannot wrap itself`);
        const loop = waitChain(other, name);
        if (loop !== undefined) {
          throw new EngineSettingsError(
            'config module',
            `engines wrap each other in a loop: ${fromFirstAsked([name, ...loop.slice(0, -1)]).join(' → ')}`,
          );
        }
        const waits = waitsFor.get(name) ?? new Set<EngineName>();
        waitsFor.set(name, waits.add(other));
        try {
          return (await assembly.engine(other)).engine;
        } finally {
          waitsFor.get(name)?.delete(other);
        }
      },
    });
    return {
      engine,
      name,
      cacheFlavour: definition.cacheFlavour,
      ...(storage && { buildahStorage: storage }),
    };
  };

  const assembly: EngineAssembly = {
    daemons,
    choices: registered.choices,
    checkChoice,
    cacheFlavourOf: (choice) => (choice === 'auto' ? 'buildkit' : definitionOf(choice).cacheFlavour),
    select(choice) {
      checkChoice(choice, 'engine');
      return pickEngine(choice, registered.definitions, env);
    },
    engine(name) {
      let engine = engines.get(name);
      if (engine === undefined) {
        engine = create(name);
        engines.set(name, engine);
        // A failed creation (a probe, a daemon list) is tried again by the next job, not remembered.
        engine.catch(() => engines.delete(name));
      }
      return engine;
    },
    registry: (insecureRegistries) => createRegistryPort({ insecureRegistries }),
  };
  return assembly;
}
