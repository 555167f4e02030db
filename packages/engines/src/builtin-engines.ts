import type { BuildahStorage, StorageDriver } from '@deployer/buildah-runner';
import type { PoolEvent } from '@deployer/buildkit-pool';
import type { BuildkitTls } from '@deployer/buildkit-runner';
import type { BuiltinEngineName, EngineDefinition } from '@deployer/contracts';
import type { BuildkitDaemons } from './assembly/buildkit-daemons.js';
import { type CommandProbe, commandProbe } from './command-probe.js';

/** The built-in engines' own settings, checked by the assembly and closed over by their definitions. */
export interface EngineWiring {
  /** BuildKit address; BUILDKIT_HOST when absent. */
  buildkitHost?: string;
  /**
   * BuildKit daemons of a pool (`--buildkit-host`…, DEPLOYER_BUILDKIT_HOSTS): addresses or
   * `dns://NAME:PORT`. Two or more, or any dns:// entry, make a pool; one address is `buildkitHost`.
   */
  buildkitHosts?: readonly string[];
  /** TLS for tcp:// daemons (DEPLOYER_BUILDKIT_TLS_DIR, DEPLOYER_BUILDKIT_TLS_SERVER_NAME). */
  buildkitTls?: BuildkitTls;
  /** A pool's builds per daemon at once (`--builds-per-daemon`); its default otherwise. */
  buildsPerDaemon?: number;
  /** What a pool does (daemons down, builds placed), e.g. to warn about a daemon that does not answer. */
  onPoolEvent?: (event: PoolEvent) => void;
  /** buildah's storage root; a fresh storage per build when absent (see @deployer/buildah-runner). */
  buildahRoot?: string;
  /** buildah's storage driver; probed once per machine when absent (overlay when it works, else vfs). */
  buildahStorageDriver?: StorageDriver;
  /** buildah's storage decided by the assembly (root and driver); wins over the two above. */
  buildahStorage?: () => Promise<BuildahStorage>;
  /** The daemons named and where (for `auto`'s reason); without them, BUILDKIT_HOST and the like. */
  daemons?: BuildkitDaemons;
  /** How `auto` asks whether docker or buildah answers; a probe with `env` by default. */
  probe?: CommandProbe;
  /** The process environment; its DOCKER_CONFIG is where registry credentials are read. */
  env: NodeJS.ProcessEnv;
}

/** Whether the daemon list needs a pool: several daemons, or a name that may stand for several. */
export function isBuildkitPool(hosts: readonly string[] | undefined): boolean {
  return hosts !== undefined && (hosts.length > 1 || hosts.some((host) => host.startsWith('dns://')));
}

/**
 * The built-in engines as definitions, registered like a plugin's, in `auto`'s order: BuildKit when a
 * daemon is named, else docker buildx when docker with buildx answers (its daemon included), else buildah
 * when installed. Each loads only its runner's module when created, so a command pays for the engine it
 * uses.
 */
export function builtinEngineDefinitions(
  wiring: EngineWiring,
): readonly (EngineDefinition & { name: BuiltinEngineName })[] {
  const dockerConfigDir = wiring.env.DOCKER_CONFIG;
  const probe = wiring.probe ?? commandProbe(wiring.env);
  return [
    {
      name: 'buildkit',
      cacheFlavour: 'buildkit',
      description: 'a BuildKit daemon with buildctl, or a pool of daemons',
      async detect({ env }) {
        const { daemons } = wiring;
        if (daemons !== undefined && daemons.hosts.length > 0) {
          return `${daemons.source} is ${daemons.hosts.join(', ')}`;
        }
        if (env.BUILDKIT_HOST) return `BUILDKIT_HOST is ${env.BUILDKIT_HOST}`;
        if (env.DEPLOYER_BUILDKIT_HOSTS?.trim())
          return `DEPLOYER_BUILDKIT_HOSTS is ${env.DEPLOYER_BUILDKIT_HOSTS}`;
        return undefined;
      },
      async create() {
        if (isBuildkitPool(wiring.buildkitHosts)) {
          const { createBuildkitPool } = await import('@deployer/buildkit-pool');
          return createBuildkitPool({
            daemons: wiring.buildkitHosts ?? [],
            ...(wiring.buildsPerDaemon !== undefined && { buildsPerDaemon: wiring.buildsPerDaemon }),
            engine: {
              ...(dockerConfigDir !== undefined && { dockerConfigDir }),
              ...(wiring.buildkitTls !== undefined && { tls: wiring.buildkitTls }),
            },
            ...(wiring.onPoolEvent !== undefined && { onEvent: wiring.onPoolEvent }),
          });
        }
        const address = wiring.buildkitHosts?.[0] ?? wiring.buildkitHost;
        const { createBuildkitEngine } = await import('@deployer/buildkit-runner');
        return createBuildkitEngine({
          driver: 'buildctl',
          ...(address !== undefined && { address }),
          ...(wiring.buildkitTls !== undefined &&
            address?.startsWith('tcp://') && { tls: wiring.buildkitTls }),
          ...(dockerConfigDir !== undefined && { dockerConfigDir }),
        });
      },
    },
    {
      name: 'buildx',
      cacheFlavour: 'buildkit',
      description: "docker buildx (BuildKit inside Docker's daemon)",
      async detect() {
        const [buildx, daemon] = await Promise.all([
          probe('docker', ['buildx', 'version']),
          probe('docker', ['version', '--format', '{{.Server.Version}}']),
        ]);
        return buildx && daemon ? 'docker with buildx answers' : undefined;
      },
      async create() {
        const { createBuildkitEngine } = await import('@deployer/buildkit-runner');
        return createBuildkitEngine({
          driver: 'buildx',
          ...(dockerConfigDir !== undefined && { dockerConfigDir }),
        });
      },
    },
    {
      name: 'buildah',
      cacheFlavour: 'buildah',
      description: 'daemonless buildah',
      async detect() {
        return (await probe('buildah', ['--version']))
          ? 'buildah is installed (no BUILDKIT_HOST, no docker buildx)'
          : undefined;
      },
      async create() {
        const storage = await wiring.buildahStorage?.();
        const root = storage?.storageRoot ?? wiring.buildahRoot;
        const driver = storage?.storageDriver ?? wiring.buildahStorageDriver;
        const { createBuildahEngine } = await import('@deployer/buildah-runner');
        return createBuildahEngine({
          ...(root !== undefined && { storageRoot: root }),
          ...(driver !== undefined && { storageDriver: driver }),
          ...(dockerConfigDir !== undefined && { dockerConfigDir }),
        });
      },
    },
  ];
}
