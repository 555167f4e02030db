import type { BuildEngine, RegistryPort } from '@deployer/contracts';
import type { LeaseOptions } from '../coordination/lease.js';
import type { Supersession } from '../coordination/supersession.js';
import type { DeployEvent } from './events.js';

export interface BuildEnvironmentOptions {
  engine: BuildEngine;
  /**
   * Deletes corrupt cache refs, tags skipped images for the environment, and holds a lease on every export
   * ref while writing it, so that runs in other processes do not write it at the same time (see coordination/lease.ts).
   */
  registry?: RegistryPort;
  /** How the leases behave; used with `registry`. */
  lease?: LeaseOptions;
  /** Builds at once; default 4. */
  concurrency?: number;
  /** Keep building what does not depend on a failure; default: the first failure cancels the rest. */
  keepGoing?: boolean;
  signal?: AbortSignal;
  onEvent?: (event: DeployEvent) => void;
  /** Default: one registry per process. */
  supersession?: Supersession;
  timeoutMs?: number;
  labels?: Readonly<Record<string, string>>;
  /** Where `env` secrets are looked up before starting; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}
