import type { EngineBuildRequest, EngineBuildResult } from '@deployer/cache-ref';

/**
 * The build engine port. deploy owns it; @deployer/buildkit-runner and @deployer/buildah-runner satisfy it
 * (both speak cache-ref's engine contract, never importing deploy) and apps/deployer wires one in.
 * Engines throw errors carrying `EngineFailure`'s fields; deploy reads the fields, never `instanceof`.
 */
export interface BuildEngine {
  readonly name: string;
  build(request: EngineBuildRequest): Promise<EngineBuildResult>;
}
