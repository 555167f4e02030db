import type { BuildUuid, ImageRegistry, LeaseRegistry } from '@deployer/contracts';
import { environmentLeaseRefs } from '../cache/environment-leases.js';
import type { Environment } from '../spec/load-environment.js';
import { describeHolder, releaseFoundLease } from './lease-removal.js';

/** One of `down`'s actions on a lease tag (a `DownAction` of kind `lease`). */
export interface LeaseDownAction {
  kind: 'lease';
  service: string;
  ref: string;
  action: 'delete' | 'keep' | 'absent';
  digest: null;
  reason: string;
  deleted: boolean;
}

/**
 * The environment's leases on its caches of one service, under either strategy, as `down` removes them:
 * a lease left by a run killed before releasing it goes with the environment, whoever holds it (a run
 * still building finds the lease gone and goes on unguarded, as with a registry it cannot reach). Only
 * leases that exist are listed; a tag there holding no lease record stays.
 */
export async function removeEnvironmentLeases(
  registry: ImageRegistry & LeaseRegistry,
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
  options: { dryRun: boolean; request: { signal: AbortSignal } | undefined },
): Promise<LeaseDownAction[]> {
  const { dryRun, request } = options;
  const actions: LeaseDownAction[] = [];
  for (const ref of environmentLeaseRefs(environment, service, buildUuid)) {
    const base = { kind: 'lease', service, ref, digest: null } as const;
    const holder = await registry.leaseHolder(ref, request);
    if (holder === null) {
      // leaseHolder reads an absent tag and a foreign manifest alike: only the latter is worth a line.
      if ((await registry.imageDigest(ref, request)) !== null) {
        actions.push({ ...base, action: 'keep', reason: 'not a lease record, left alone', deleted: false });
      }
      continue;
    }
    const reason = `lease of ${describeHolder(holder)}`;
    if (dryRun) {
      actions.push({ ...base, action: 'delete', reason, deleted: false });
      continue;
    }
    const outcome = await releaseFoundLease(registry, ref, holder, request);
    if (outcome === 'gone') {
      actions.push({
        ...base,
        action: 'absent',
        reason: `${reason}: released by its run meanwhile`,
        deleted: false,
      });
    } else if (outcome === 'kept') {
      const kept = `${reason}: not removed, the tag no longer holds that record`;
      actions.push({ ...base, action: 'delete', reason: kept, deleted: false });
    } else {
      actions.push({ ...base, action: 'delete', reason, deleted: true });
    }
  }
  return actions;
}
