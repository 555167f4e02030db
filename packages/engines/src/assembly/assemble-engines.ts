import type { BuildahStorage } from '@deployer/buildah-runner';
import type { PoolEvent } from '@deployer/buildkit-pool';
import {
  type BuildEngine,
  type CacheFlavour,
  cacheFlavourOf,
  type EngineChoice,
  type EngineName,
  type RegistryPort,
} from '@deployer/contracts';
import { createRegistryPort } from '@deployer/registry-cache';
import { createEngine } from '../create-engine.js';
import { type EngineSelection, selectEngine } from '../select-engine.js';
import { buildahStorage, buildahStorageDriver } from './buildah-storage.js';
import { type BuildkitDaemons, buildkitDaemons } from './buildkit-daemons.js';
import { buildkitTls } from './buildkit-tls.js';

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
  /** The cache layout it reads and writes (`cacheFlavourOf(name)`). */
  cacheFlavour: CacheFlavour;
  /** buildah's storage and driver (for reports); absent for the BuildKit engines. */
  buildahStorage?: BuildahStorage;
}

/** Engines and registries made from one set of settings, for every entry point alike. */
export interface EngineAssembly {
  /** The BuildKit daemons named, checked; undefined when none is. */
  readonly daemons: BuildkitDaemons | undefined;
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

  const create = async (name: EngineName): Promise<AssembledEngine> => {
    const storage = name === 'buildah' ? await buildahStorage(driver, env) : undefined;
    const engine = await createEngine(name, {
      ...(name !== 'buildah' && daemons !== undefined && { buildkitHosts: daemons.hosts }),
      ...(tls !== undefined && { buildkitTls: tls }),
      ...(settings.buildsPerDaemon !== undefined && { buildsPerDaemon: settings.buildsPerDaemon }),
      ...(settings.onPoolEvent !== undefined && { onPoolEvent: settings.onPoolEvent }),
      ...(storage !== undefined && {
        buildahRoot: storage.storageRoot,
        buildahStorageDriver: storage.storageDriver,
      }),
      env,
    });
    return { engine, name, cacheFlavour: cacheFlavourOf(name), ...(storage && { buildahStorage: storage }) };
  };

  return {
    daemons,
    select: (choice) => selectEngine(choice, env, undefined, daemons),
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
}
