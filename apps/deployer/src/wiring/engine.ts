import { createBuildahEngine } from '@deployer/buildah-runner';
import { createBuildkitEngine } from '@deployer/buildkit-runner';
import type { BuildEngineKind } from '@deployer/cache-ref';
import type { BuildEngine } from '@deployer/contracts';
import type { EngineChoice } from '@deployer/deploy';
import { type EngineName, selectEngine } from './select-engine.js';

export interface ResolvedEngineKind {
  name: EngineName;
  /** The cache flavour its plans need: buildx speaks BuildKit's cache flags. */
  cacheEngine: BuildEngineKind;
  reason: string;
}

export async function resolveEngineKind(
  choice: EngineChoice,
  env: NodeJS.ProcessEnv,
): Promise<ResolvedEngineKind> {
  const selection = await selectEngine(choice, env);
  return {
    name: selection.engine,
    cacheEngine: selection.engine === 'buildah' ? 'buildah' : 'buildkit',
    reason: selection.reason,
  };
}

export interface EngineWiring {
  /** BuildKit address; BUILDKIT_HOST when absent. */
  buildkitHost?: string;
  /** buildah's storage root (DEPLOYER_BUILDAH_ROOT); buildah's default when absent. */
  buildahRoot?: string;
  env: NodeJS.ProcessEnv;
}

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
        ...(dockerConfigDir !== undefined && { dockerConfigDir }),
      });
  }
}
