import type { CacheRegistry, ImageRegistry } from '@deployer/contracts';
import { cacheRepository } from '../cache/environment-caches.js';
import { defaultLeaseStaleAfterMs } from '../coordination/writer-lease.js';
import type { Environment } from '../spec/load-environment.js';

export interface RunExportGcOptions {
  registry: ImageRegistry & CacheRegistry;
  /** Run tags of runs that started longer ago than this go; default the lease's stale age (2 h). */
  graceMs?: number;
  now?: Date;
  dryRun?: boolean;
  signal?: AbortSignal;
}

export interface RunExportGcEntry {
  service: string;
  ref: string;
  startedAt: string;
  action: 'delete' | 'keep';
  deleted: boolean;
}

/**
 * Removes the run export tags (cache-ref's run-export.ts) that runs killed before promoting left behind:
 * those whose run started before the grace period, a running build's being younger. Untags them one by
 * one, so a cache tag that shares their manifest is never touched.
 */
export async function collectRunExports(
  environment: Environment,
  options: RunExportGcOptions,
): Promise<RunExportGcEntry[]> {
  const cutoff = (options.now ?? new Date()).getTime() - (options.graceMs ?? defaultLeaseStaleAfterMs);
  const request = options.signal === undefined ? undefined : { signal: options.signal };
  const entries: RunExportGcEntry[] = [];
  for (const service of environment.services) {
    for (const found of await options.registry.listRunExports(
      cacheRepository(environment),
      service.name,
      request,
    )) {
      const action = found.startedAt.getTime() < cutoff ? 'delete' : 'keep';
      const deleted =
        action === 'delete' && !options.dryRun && (await options.registry.untag(found.ref, request));
      entries.push({
        service: service.name,
        ref: found.ref,
        startedAt: found.startedAt.toISOString(),
        action,
        deleted,
      });
    }
  }
  return entries;
}
