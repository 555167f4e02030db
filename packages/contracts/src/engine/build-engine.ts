import type { EngineBuildRequest } from './build-request.js';
import type { EngineBuildResult } from './build-result.js';
import type { EngineArgv } from './engine-argv.js';

/**
 * The build engine port. deploy asks for it; @deployer/buildkit-runner and @deployer/buildah-runner satisfy
 * it (both speak the engine contract, never importing deploy) and apps/deployer wires one in. Engines throw
 * errors carrying `EngineFailure`'s fields; deploy reads the fields, never `instanceof`.
 */
export interface BuildEngine {
  readonly name: string;
  build(request: EngineBuildRequest): Promise<EngineBuildResult>;
  /**
   * The command line `build` would run for the request, composed by the code `build` uses; starts no
   * build (it may ask the registry, as the build would, to settle what depends on it).
   */
  argv(request: EngineBuildRequest): Promise<EngineArgv>;
  /**
   * Optional: a build is about to follow (deploy calls it as a service's lease is being claimed), so the
   * engine may load what it runs builds with meanwhile, while the registry answers. Starts nothing, never
   * throws.
   */
  warmUp?(): void;
}
