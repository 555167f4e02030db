import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { LeaseHolder } from '@deployer/contracts';
import type { Supersession } from '../coordination/supersession.js';
import {
  defaultLeasePollMs,
  defaultLeaseStaleAfterMs,
  type LeaseOptions,
} from '../coordination/writer-lease.js';
import type { EnvironmentPlan } from '../plan/plan-environment.js';
import type { DeployEventBody } from './events.js';
import type { BuildEnvironmentOptions } from './options.js';

/** This run as its leases and run export tags name it, and how its leases behave. */
export type RunLease = Required<LeaseOptions> & {
  /** Newer runs of the environment any of this run's leases showed; shared by its services. */
  newerRuns: Map<string, LeaseHolder>;
};

/** What one service's run takes from the run of its environment. */
export interface RunContext extends BuildEnvironmentOptions {
  plan: EnvironmentPlan;
  /** This run's sequence number in `supersession`. */
  run: number;
  supersession: Supersession;
  leaseRun: RunLease;
  /** Aborted when the whole run is cancelled (fail-fast, the caller's signal). */
  cancel: AbortSignal;
  emit: (service: string, event: DeployEventBody) => void;
}

export function resolveRunLease(options: LeaseOptions = {}): RunLease {
  const pollMs = options.pollMs ?? defaultLeasePollMs;
  return {
    newerRuns: new Map(),
    runId: options.runId ?? randomUUID(),
    host: options.host ?? hostname(),
    startedAt: options.startedAt ?? new Date(),
    pollMs,
    // Two checks of the older run, so one slow check does not let both write.
    handoverMs: options.handoverMs ?? 2 * pollMs,
    staleAfterMs: options.staleAfterMs ?? defaultLeaseStaleAfterMs,
  };
}
