import type { RunExport } from '@deployer/cache-ref';
import type { CachePlan, CacheSeedResult, LeaseHolder, RegistryPort } from '@deployer/contracts';
import { discardRunExport } from './promote-if-newest.js';
import {
  decideSeedPromotion,
  planSeeding,
  type SeedingPlan,
  type ServiceSeeding,
  triesNextFallback,
} from './seed-decision.js';

/** Whether the own cache ref exists (its digest, null when absent), or why that could not be read. */
export type OwnCacheLookup = Promise<{ digest: string | null } | { error: unknown }>;

/**
 * Asks whether the own cache ref exists, when seeding may follow (else undefined, no request). Only a
 * read, and a seed is promoted only while the own ref is still absent (decideSeedPromotion asks again), so
 * the build asks it beside the lease's round trips rather than after them: one round trip fewer before
 * the engine starts, the same outcome. Never rejects.
 */
export function lookUpOwnCache(
  registry: RegistryPort,
  cache: CachePlan,
  runExport: RunExport | null,
  signal?: AbortSignal,
): OwnCacheLookup | undefined {
  const plan = planSeeding(cache, runExport);
  return plan.seed ? askOwnCache(registry, plan.own.ref, signal) : undefined;
}

function askOwnCache(registry: RegistryPort, ownRef: string, signal?: AbortSignal): OwnCacheLookup {
  return registry.imageDigest(ownRef, signal === undefined ? undefined : { signal }).then(
    (digest) => ({ digest }),
    (error: unknown) => ({ error }),
  );
}

export interface SeedOwnCacheInput {
  registry: RegistryPort;
  cache: CachePlan;
  runExport: RunExport | null;
  /** The environment's lease, read before promoting the seed; none without one in the plan. */
  leaseRef: string | undefined;
  me: LeaseHolder;
  superseded: () => boolean;
  signal?: AbortSignal;
  warn(message: string): void;
  /** lookUpOwnCache's answer, asked earlier; without it seedOwnCache asks itself. */
  ownCache?: OwnCacheLookup;
}

export interface SeedOwnCacheOutcome {
  seeding: ServiceSeeding;
  /** A fallback found corrupt (a blob it references is gone): heal it, as an engine's report would be. */
  corruptCacheRefs: string[];
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Seeds the environment's own BuildKit cache ref from the first fallback that has a cache, when the own
 * ref does not exist (see seed-decision.ts): the registry port mounts the fallback's blobs and writes the
 * manifest to this run's own tag, which is then promoted to the own cache ref if that still does not
 * exist and this run may still write; the run tag is removed either way. Never throws except when
 * aborted: a build without a seed is only slower.
 */
export async function seedOwnCache(input: SeedOwnCacheInput): Promise<SeedOwnCacheOutcome> {
  const plan = planSeeding(input.cache, input.runExport);
  if (!plan.seed) return nothing(plan.reason);
  const call = input.signal === undefined ? undefined : { signal: input.signal };
  try {
    const own = await (input.ownCache ?? askOwnCache(input.registry, plan.own.ref, input.signal));
    if ('error' in own) throw own.error;
    if (own.digest !== null) return nothing('the own cache ref exists');
    let last: { from: string; result: CacheSeedResult } | undefined;
    for (const fallback of plan.fallbacks) {
      const result = await input.registry.seedCacheRef(fallback.ref, plan.runRef.ref, call);
      last = { from: fallback.ref, result };
      if (!triesNextFallback(result)) break;
    }
    if (last === undefined || triesNextFallback(last.result)) return nothing('no fallback cache exists');
    const { from, result } = last;
    if (result.status === 'none') {
      const seeding = { status: 'none' as const, reason: result.message, from, ...sizeOf(result) };
      if (result.refusal === 'source-corrupt') return { seeding, corruptCacheRefs: [from] };
      input.warn(`did not seed ${plan.own.ref} from ${from}: ${result.message}`);
      return { seeding, corruptCacheRefs: [] };
    }
    return { seeding: await promoteSeed(input, plan, from, result), corruptCacheRefs: [] };
  } catch (error) {
    input.signal?.throwIfAborted();
    input.warn(`could not seed ${plan.own.ref} (${describe(error)}); building without`);
    return nothing(`could not seed: ${describe(error)}`);
  }
}

/** Promotes the seeded run tag to the own cache ref if it may, then removes the run tag. */
async function promoteSeed(
  input: SeedOwnCacheInput,
  plan: Extract<SeedingPlan, { seed: true }>,
  from: string,
  result: Extract<CacheSeedResult, { status: 'mounted' }>,
): Promise<ServiceSeeding> {
  const call = input.signal === undefined ? undefined : { signal: input.signal };
  const size = sizeOf(result);
  try {
    // Both asked at once, one round trip: who holds the lease now, and whether the own ref appeared.
    const [holder, ownDigest] = await Promise.all([
      input.leaseRef === undefined ? null : input.registry.leaseHolder(input.leaseRef, call),
      input.registry.imageDigest(plan.own.ref, call),
    ]);
    const decision = decideSeedPromotion({
      ownExists: ownDigest !== null,
      me: input.me,
      superseded: input.superseded(),
      holder,
    });
    if (!decision.promote) return { status: 'none', reason: decision.reason, from, ...size };
    // The bytes the seed just wrote: only this run writes its run tag, and its engine has not started.
    await input.registry.promoteCache(plan.runRef.ref, plan.own.ref, {
      ...call,
      ...(result.manifest !== undefined && { manifest: result.manifest }),
    });
    const how =
      result.mounts > 0
        ? `mounted ${result.mounts} blobs from ${from}`
        : `the blobs of ${from} are in its repository`;
    return { status: 'mounted', reason: `${how}; no blob downloaded or uploaded`, from, ...size };
  } finally {
    // The seed wrote the run tag (only this run writes it, and its engine has not started): no need to
    // look for it before removing it.
    if (input.runExport !== null) await discardRunExport(input.registry, input.runExport, input.warn, true);
  }
}

const sizeOf = (result: CacheSeedResult) => ({ blobs: result.blobs, bytes: result.bytes });

function nothing(reason: string): SeedOwnCacheOutcome {
  return { seeding: { status: 'none', reason, from: null, blobs: 0, bytes: 0 }, corruptCacheRefs: [] };
}
