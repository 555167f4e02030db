import { createBuildahEngine, type StorageDriver } from '@deployer/buildah-runner';
import { createBuildkitEngine } from '@deployer/buildkit-runner';
import type { EngineName } from '@deployer/cache-ref';
import type { BuildEngine } from '@deployer/contracts';

export interface EngineWiring {
  /** BuildKit address; BUILDKIT_HOST when absent. */
  buildkitHost?: string;
  /** buildah's storage root; a fresh storage per build when absent (see @deployer/buildah-runner). */
  buildahRoot?: string;
  /** buildah's storage driver; probed once per machine when absent (overlay when it works, else vfs). */
  buildahStorageDriver?: StorageDriver;
  /** The process environment; its DOCKER_CONFIG is where registry credentials are read. */
  env: NodeJS.ProcessEnv;
}

/** The runner for an engine: buildkit-runner (driver buildctl or buildx) or buildah-runner. */
export function createEngine(name: EngineName, wiring: EngineWiring): BuildEngine {
  const dockerConfigDir = wiring.env.DOCKER_CONFIG;
  switch (name) {
    case 'buildkit':
      return createBuildkitEngine({
        driver: 'buildctl',
        ...(wiring.buildkitHost !== undefined && { address: wiring.buildkitHost }),
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
    case 'buildx':
      return createBuildkitEngine({
        driver: 'buildx',
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
    case 'buildah':
      return createBuildahEngine({
        ...(wiring.buildahRoot !== undefined && { storageRoot: wiring.buildahRoot }),
        ...(wiring.buildahStorageDriver !== undefined && { storageDriver: wiring.buildahStorageDriver }),
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
  }
}
