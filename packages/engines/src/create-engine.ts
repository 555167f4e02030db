import type { StorageDriver } from '@deployer/buildah-runner';
import type { PoolEvent } from '@deployer/buildkit-pool';
import type { BuildkitTls } from '@deployer/buildkit-runner';
import type { BuildEngine, EngineName } from '@deployer/contracts';

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
  /** The process environment; its DOCKER_CONFIG is where registry credentials are read. */
  env: NodeJS.ProcessEnv;
}

/** Whether the daemon list needs a pool: several daemons, or a name that may stand for several. */
export function isBuildkitPool(hosts: readonly string[] | undefined): boolean {
  return hosts !== undefined && (hosts.length > 1 || hosts.some((host) => host.startsWith('dns://')));
}

/**
 * The runner for an engine: buildkit-runner (driver buildctl or buildx), a BuildKit pool, or buildah-runner.
 * Only that runner's module is loaded (the others are never imported), so a command pays for the engine
 * it uses.
 */
export async function createEngine(name: EngineName, wiring: EngineWiring): Promise<BuildEngine> {
  const dockerConfigDir = wiring.env.DOCKER_CONFIG;
  switch (name) {
    case 'buildkit': {
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
        ...(wiring.buildkitTls !== undefined && address?.startsWith('tcp://') && { tls: wiring.buildkitTls }),
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
    }
    case 'buildx': {
      const { createBuildkitEngine } = await import('@deployer/buildkit-runner');
      return createBuildkitEngine({
        driver: 'buildx',
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
    }
    case 'buildah': {
      const { createBuildahEngine } = await import('@deployer/buildah-runner');
      return createBuildahEngine({
        ...(wiring.buildahRoot !== undefined && { storageRoot: wiring.buildahRoot }),
        ...(wiring.buildahStorageDriver !== undefined && { storageDriver: wiring.buildahStorageDriver }),
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
    }
  }
}
