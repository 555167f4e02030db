import type { BuildUuid, LeaseRegistry } from '@deployer/contracts';
import { cacheRepository } from '../cache/environment-caches.js';
import { environmentLeaseRefs } from '../cache/environment-leases.js';
import type { Environment } from '../spec/load-environment.js';
import { describeHolder, isExpiredLease, releaseFoundLease } from './lease-removal.js';

export interface LeaseGcEntry {
  service: string;
  /** The lease tag, `host/repository:tag`. */
  ref: string;
  /** The build uuid component as found in the ref. */
  buildUuid: string;
  /** Who claimed it; null when the tag holds no lease record. */
  holder: { runId: string; host?: string; startedAt: string } | null;
  action: 'delete' | 'keep';
  reason: string;
  deleted: boolean;
}

export interface LeaseGcInput {
  registry: LeaseRegistry;
  /** Their leases are never removed, live or not (a fallback's next build takes a dead run's over). */
  fallbacks: readonly BuildUuid[];
  now: Date;
  /** A lease claimed longer ago than this belongs to a run that is gone. */
  staleAfterMs: number;
  dryRun: boolean;
  services?: readonly string[];
  request: { signal: AbortSignal } | undefined;
}

/**
 * `cache gc`'s part for leases: every environment's lease tag of the spec's services, both strategies,
 * released when its run is gone (claimed longer ago than `staleAfterMs`, see isExpiredLease): a run killed
 * before releasing its lease leaves one behind, and unlike a cache nobody would ever take it over once the
 * environment is gone. A lease that may be live is never removed, nor a fallback's, nor a tag holding no
 * lease record; removal goes by the record read (`releaseFoundLease`), so a claim landing since stays.
 */
export async function collectLeases(environment: Environment, input: LeaseGcInput): Promise<LeaseGcEntry[]> {
  const entries: LeaseGcEntry[] = [];
  for (const service of environment.services) {
    if (input.services !== undefined && !input.services.includes(service.name)) continue;
    const protectedRefs = new Set(
      input.fallbacks.flatMap((fallback) => environmentLeaseRefs(environment, service.name, fallback)),
    );
    const found = await input.registry.listLeases(cacheRepository(environment), service.name, input.request);
    for (const { ref, buildUuid, holder } of found) {
      const entry: LeaseGcEntry = {
        service: service.name,
        ref,
        buildUuid,
        holder:
          holder === null
            ? null
            : {
                runId: holder.runId,
                ...(holder.host !== undefined && { host: holder.host }),
                startedAt: holder.startedAt.toISOString(),
              },
        action: 'keep',
        reason: '',
        deleted: false,
      };
      entries.push(entry);
      if (protectedRefs.has(ref)) {
        entry.reason = 'fallback environment';
      } else if (holder === null) {
        entry.reason = 'not a lease record, left alone';
      } else if (!isExpiredLease(holder, input.now, input.staleAfterMs)) {
        entry.reason = `held by ${describeHolder(holder)}: its run may still be building`;
      } else {
        entry.action = 'delete';
        entry.reason = `lease of ${describeHolder(holder)}, before ${new Date(
          input.now.getTime() - input.staleAfterMs,
        ).toISOString()}: its run is gone`;
        if (!input.dryRun) {
          const outcome = await releaseFoundLease(input.registry, ref, holder, input.request);
          entry.deleted = outcome === 'released';
          if (outcome === 'gone') entry.reason += ' (released by its run meanwhile)';
          if (outcome === 'kept') entry.reason += ' (not removed: the tag no longer holds that record)';
        }
      }
    }
  }
  return entries;
}
