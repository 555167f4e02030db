import { planCache, type RunExport, runScopedExport } from '@deployer/cache-ref';
import type { BuildUuid, RegistryPort } from '@deployer/contracts';
import { discardRunExport } from '../cache/promote-if-newest.js';
import {
  type CacheCandidate,
  type CacheRefresh,
  decideRefresh,
  decideRefreshPromotion,
  type OwnCacheState,
  planRefresh,
} from '../cache/refresh-decision.js';
import { WriteGuard } from '../coordination/write-guard.js';
import { repositoryOfImage } from '../plan/image-refs.js';
import { parseOwnershipTag } from '../plan/ownership-tag.js';
import type { ServicePlan } from '../plan/plan-environment.js';
import type { RunContext } from './run-context.js';
import { leaseFor } from './service-lease.js';

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));
const none = (reason: string, from: string | null = null): CacheRefresh => ({ status: 'none', from, reason });

/**
 * Brings a skipped service's own cache ref up to date from the cache of an environment that recorded its
 * content (see refresh-decision.ts): seeded into this run's own run tag inside the registry, then promoted
 * under the one-writer rules a build follows (the in-process claim, the environment's lease, no promotion
 * over a newer run or over a ref written meanwhile); the run tag is removed either way. `owners`: the
 * build uuids whose ownership tags record the content, when the skip listed them already (null: list).
 * Never throws except when the run is aborted: a stale cache only makes later builds slower.
 */
export async function followSkippedCache(
  service: ServicePlan,
  context: RunContext & { registry: RegistryPort },
  owners: readonly BuildUuid[] | null,
): Promise<CacheRefresh> {
  const runExport = runScopedExport(service.cache, context.leaseRun);
  const plan = planRefresh(service, runExport);
  if (!plan.refresh) return none(plan.reason);
  const { registry } = context;
  const call = { signal: context.cancel };
  try {
    const recorded = owners ?? (await ownersOf(registry, service, call.signal));
    const others = [...new Set(recorded)].filter((uuid) => uuid !== service.buildUuid);
    if (others.length === 0) return none('no other environment records this content');
    const [own, ...theirs] = await Promise.all([
      registry.inspectCacheRef(plan.own.ref, call),
      ...others.map((uuid) => theirCache(context, service, uuid)),
    ]);
    const candidates = theirs.filter((candidate): candidate is CacheCandidate => candidate !== null);
    const ownState: OwnCacheState | null =
      own === null ? null : { digest: own.digest, cache: own.cache, createdAt: own.createdAt };
    const decision = decideRefresh(ownState, candidates);
    if (!decision.refresh) return none(decision.reason, decision.from);
    return await refreshUnderLease(service, context, runExport!, decision, ownState?.digest ?? null);
  } catch (error) {
    context.cancel.throwIfAborted();
    const message = `could not bring ${plan.own.ref} up to date (${describe(error)})`;
    context.emit(service.service, { type: 'warning', message });
    return none(message);
  }
}

/**
 * Another environment's cache ref for the service (planCache with its uuid), when it holds a cache and that
 * environment still uses this very image (its environment tag at the digest the plan found): an owner that
 * has moved on to other content since has exported the cache of that other content over its ref.
 */
async function theirCache(
  context: RunContext & { registry: RegistryPort },
  service: ServicePlan,
  buildUuid: BuildUuid,
): Promise<CacheCandidate | null> {
  if (service.existingDigest !== null) {
    const theirImage = `${repositoryOfImage(service.image)}:${buildUuid}`;
    const digest = await context.registry.imageDigest(theirImage, { signal: context.cancel });
    if (digest !== service.existingDigest) return null;
  }
  const ref = planCache({
    config: context.plan.cacheConfig,
    service: service.service,
    buildUuid,
    engine: service.cache.engine,
  }).export!.ref;
  const found = await context.registry.inspectCacheRef(ref, { signal: context.cancel });
  if (found === null || !found.cache) return null;
  return { buildUuid, ref, digest: found.digest, createdAt: found.createdAt };
}

/** The build uuids whose ownership tags record the service's content tag in its image repository. */
export async function ownersOf(
  registry: RegistryPort,
  service: ServicePlan,
  signal: AbortSignal,
): Promise<BuildUuid[]> {
  const tags = await registry.listTags(repositoryOfImage(service.image), { signal });
  return tags
    .map((tag) => parseOwnershipTag(tag))
    .filter((ownership) => ownership?.contentTag === service.tag)
    .map((ownership) => ownership!.buildUuid);
}

/**
 * The write itself, as a build would write the own ref: claim (in process, then the lease), seed the run
 * tag from `from`, promote it if the own ref is still what was judged and no newer run writes it.
 */
async function refreshUnderLease(
  service: ServicePlan,
  context: RunContext & { registry: RegistryPort },
  runExport: RunExport,
  { from, why }: { from: CacheCandidate; why: string },
  judgedDigest: string | null,
): Promise<CacheRefresh> {
  const { registry, leaseRun } = context;
  const warn = (message: string) => context.emit(service.service, { type: 'warning', message });
  const claim = context.supersession.claim(runExport.cacheRef.ref, context.run);
  const guard = new WriteGuard(context.cancel, leaseRun.newerRuns);
  guard.watch(claim.signal);
  let lease: Awaited<ReturnType<typeof leaseFor>>;
  let seedTried = false;
  try {
    await claim.ready;
    guard.signal.throwIfAborted();
    lease = await leaseFor(service, context, guard.signal, false);
    if (lease !== undefined) guard.watch(lease.signal);
    guard.signal.throwIfAborted();
    seedTried = true;
    const seeded = await registry.seedCacheRef(from.ref, runExport.runRef.ref, { signal: guard.signal });
    if (seeded.status === 'none') {
      warn(`did not bring ${runExport.cacheRef.ref} up to date from ${from.ref}: ${seeded.message}`);
      return none(seeded.message, from.ref);
    }
    const leaseRef = service.cache.lease?.ref;
    const [holder, currentDigest] = await Promise.all([
      leaseRef === undefined ? null : registry.leaseHolder(leaseRef, { signal: guard.signal }),
      registry.imageDigest(runExport.cacheRef.ref, { signal: guard.signal }),
    ]);
    const me = { runId: leaseRun.runId, startedAt: leaseRun.startedAt, host: leaseRun.host };
    const decision = decideRefreshPromotion({
      judgedDigest,
      currentDigest,
      me,
      superseded: guard.superseded(),
      holder,
    });
    if (!decision.promote) return none(decision.reason, from.ref);
    // The bytes the seed just wrote: only this run writes its run tag.
    await registry.promoteCache(runExport.runRef.ref, runExport.cacheRef.ref, {
      signal: guard.cancelSignal,
      ...(seeded.manifest !== undefined && { manifest: seeded.manifest }),
    });
    const how =
      seeded.mounts > 0
        ? `mounted ${seeded.mounts} blobs`
        : `its ${seeded.blobs} blobs are in the own repository`;
    return {
      status: 'refreshed',
      from: from.ref,
      reason: `${why}: ${how} from ${from.buildUuid}'s, no blob downloaded or uploaded`,
    };
  } catch (error) {
    const superseded = guard.supersededBy();
    if (superseded !== null) return none(superseded.message, from.ref);
    throw error;
  } finally {
    // Removing the run's own tag writes nothing of the environment's: done whatever the guard says.
    if (seedTried) await discardRunExport(registry, runExport, warn);
    await lease?.release();
    claim.release();
  }
}
