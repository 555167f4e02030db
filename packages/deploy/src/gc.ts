import { cacheRepository, environmentCacheRefs } from './cache-refs.js';
import type { CacheRefInfo, RegistryPort } from './ports/registry.js';
import type { Environment } from './spec/load.js';

export interface GcOptions {
  registry: RegistryPort;
  /** Refs whose newest `buildkit/createdat` is older than this many milliseconds go (see parseDuration). */
  olderThanMs: number;
  /** Replaces the spec's fallbacks: their refs are never deleted. */
  fallbacks?: readonly string[];
  now?: Date;
  dryRun?: boolean;
  services?: readonly string[];
  signal?: AbortSignal;
}

export interface GcEntry extends CacheRefInfo {
  service: string;
  action: 'delete' | 'keep';
  reason: string;
  deleted: boolean;
}

export interface GcResult {
  cutoff: string;
  dryRun: boolean;
  entries: GcEntry[];
}

/** Deletes stale cache refs of an environment spec's services (`deployer cache gc`), never a fallback's. */
export async function collectGarbage(environment: Environment, options: GcOptions): Promise<GcResult> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - options.olderThanMs);
  const dryRun = options.dryRun ?? false;
  const request = options.signal === undefined ? undefined : { signal: options.signal };
  const fallbacks = options.fallbacks ?? environment.fallbacks;
  const entries: GcEntry[] = [];

  for (const service of environment.services) {
    if (options.services !== undefined && !options.services.includes(service.name)) continue;
    const protectedRefs = new Set(
      fallbacks.flatMap((fallback) => environmentCacheRefs(environment, service.name, fallback)),
    );
    for (const info of await options.registry.listCacheRefs(
      cacheRepository(environment),
      service.name,
      request,
    )) {
      const [action, reason] = decide(info, protectedRefs, cutoff);
      const deleted = action === 'delete' && !dryRun && (await options.registry.deleteTag(info.ref, request));
      entries.push({ ...info, service: service.name, action, reason, deleted });
    }
  }
  return { cutoff: cutoff.toISOString(), dryRun, entries };
}

function decide(
  info: CacheRefInfo,
  protectedRefs: ReadonlySet<string>,
  cutoff: Date,
): ['delete' | 'keep', string] {
  if (protectedRefs.has(info.ref)) return ['keep', 'fallback environment'];
  if (info.createdAt === null) return ['keep', 'no buildkit/createdat annotation: age unknown'];
  if (info.createdAt.getTime() >= cutoff.getTime())
    return ['keep', `created ${info.createdAt.toISOString()}`];
  return ['delete', `created ${info.createdAt.toISOString()}, before ${cutoff.toISOString()}`];
}
