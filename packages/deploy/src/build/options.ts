import type { BuildEngine, RegistryPort } from '@deployer/contracts';
import type { Supersession } from '../coordination/supersession.js';
import type { LeaseOptions } from '../coordination/writer-lease.js';
import type { DeployEvent } from './events.js';

export interface BuildEnvironmentOptions {
  engine: BuildEngine;
  /**
   * Deletes corrupt cache refs, tags skipped images for the environment, and holds a lease on every export
   * ref while writing it, so that runs in other processes do not write it at the same time (see coordination/writer-lease.ts).
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
  /**
   * Before the engine reads a service's build context, set every file's mtime from its content
   * (`stampContentMtimes`, once per service, honouring its ignore rules), so a BuildKit daemon that reuses
   * another build's upload never keeps that build's bytes for a same-named, same-sized file (a wrong image,
   * silently). It changes file timestamps in the contexts: for checkouts of your own (CI, `deployer serve`).
   * Default false; buildah, which reads the context itself, never needs it and is left alone.
   */
  contentMtimes?: boolean;
  /** Where `env` secrets are looked up before starting; default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}
