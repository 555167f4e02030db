import type { LeaseHolder, LeaseRegistry } from '@deployer/contracts';

/** Who a lease names, for the reasons `down` and `cache gc` give: `run <id> on <host>, claimed <time>`. */
export function describeHolder(holder: LeaseHolder): string {
  const host = holder.host === undefined ? '' : ` on ${holder.host}`;
  return `run ${holder.runId}${host}, claimed ${holder.startedAt.toISOString()}`;
}

/**
 * Whether a lease's run is gone: it claimed longer ago than `staleAfterMs`, the age at which a build takes
 * such a lease over at once (deploy's `LeaseOptions.staleAfterMs`). A lease claimed later (or in the
 * future, a skewed clock) may be a build still running.
 */
export function isExpiredLease(holder: LeaseHolder, now: Date, staleAfterMs: number): boolean {
  return now.getTime() - holder.startedAt.getTime() > staleAfterMs;
}

/**
 * Removes the lease record `holder`'s claim wrote, as the holder read a moment ago: by that record's
 * digest (`LeaseRegistry.releaseLease`), so a claim that landed since points at another record and stays.
 * `released`: the record is gone now; `gone`: it was no longer stored (its run released it meanwhile) and
 * nobody holds the lease; `kept`: the record could not be matched (written by another deployer version, or
 * claimed anew) and the tag stays.
 */
export async function releaseFoundLease(
  registry: LeaseRegistry,
  ref: string,
  holder: LeaseHolder,
  request: { signal: AbortSignal } | undefined,
): Promise<'released' | 'gone' | 'kept'> {
  if (await registry.releaseLease(ref, holder, request)) return 'released';
  return (await registry.leaseHolder(ref, request)) === null ? 'gone' : 'kept';
}
