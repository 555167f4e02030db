import type { BuildEngine, CacheFlavour, RegistryPort } from '@deployer/contracts';
import type { Environment } from '@deployer/deploy';

/** The engine an environment's spec selects, created by the app (the server imports no runner). */
export interface ServerEngine {
  engine: BuildEngine;
  /** A registered engine's name (`buildkit`, `buildx`, `buildah` or a plugin's): recorded with the build and its metrics. */
  name: string;
  /** The cache layout the engine reads and writes (its definition's, from the assembly). */
  cacheFlavour: CacheFlavour;
}

/**
 * What the worker asks of the app: an engine and a registry for an environment. The app wires
 * `@deployer/engines` and `@deployer/registry-cache` (and may reuse one engine across jobs).
 */
export interface ServerPorts {
  engineFor(environment: Environment): Promise<ServerEngine>;
  registryFor(environment: Environment): RegistryPort;
}
