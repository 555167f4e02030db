import type { EngineName } from '@deployer/cache-ref';
import type { BuildEngine } from '@deployer/contracts';

export interface EngineWiring {
  /** BuildKit address; BUILDKIT_HOST when absent. */
  buildkitHost?: string;
  /** buildah's storage root (DEPLOYER_BUILDAH_ROOT); buildah's default when absent. */
  buildahRoot?: string;
  /** The process environment; its DOCKER_CONFIG is where registry credentials are read. */
  env: NodeJS.ProcessEnv;
}

/**
 * The runner for an engine: buildkit-runner (driver buildctl or buildx) or buildah-runner. Only that
 * runner's module is loaded (the other is never imported), so a command pays for the engine it uses.
 */
export async function createEngine(name: EngineName, wiring: EngineWiring): Promise<BuildEngine> {
  const dockerConfigDir = wiring.env.DOCKER_CONFIG;
  switch (name) {
    case 'buildkit': {
      const { createBuildkitEngine } = await import('@deployer/buildkit-runner');
      return createBuildkitEngine({
        driver: 'buildctl',
        ...(wiring.buildkitHost !== undefined && { address: wiring.buildkitHost }),
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
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
    }
  }
}
