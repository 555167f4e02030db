import type { RunExport } from '@deployer/cache-ref';
import type { ImageRegistry, LeaseHolder, RegistryPort } from '@deployer/contracts';
import { isNewerRun } from '../coordination/writer-lease.js';

/*
 * One writer per ref by construction (see cache-ref's run-export.ts): a BuildKit run exports its cache to
 * a tag of its own, then promotes it onto the environment's cache tag with one manifest PUT of the same
 * bytes, then removes its run tag. Concurrent runs therefore never write one tag's blobs at once and
 * readers only ever see complete manifests, whatever the leases did. The lease only orders promotions: a
 * run does not promote once a run that started later holds the lease (it would overwrite the newer
 * run's cache with an older one).
 */

export type PromotionDecision = { promote: true } | { promote: false; reason: string };

/**
 * Whether a run that built successfully promotes its export. `holder` is who holds the environment's lease
 * right now (null: nobody, or it could not be read; the cache stays correct either way, only the order of
 * two promotions is then open).
 */
export function decidePromotion(input: {
  me: LeaseHolder;
  superseded: boolean;
  holder: LeaseHolder | null;
}): PromotionDecision {
  if (input.superseded) return { promote: false, reason: 'superseded by a newer run' };
  const { holder, me } = input;
  if (holder !== null && holder.runId !== me.runId && isNewerRun(holder, me)) {
    const host = holder.host === undefined ? '' : ` on ${holder.host}`;
    return { promote: false, reason: `run ${holder.runId}${host} started later and writes this cache` };
  }
  return { promote: true };
}

export interface PromoteInput {
  registry: RegistryPort;
  runExport: RunExport;
  /** The environment's lease, read right before promoting; none without one in the plan. */
  leaseRef: string | undefined;
  me: LeaseHolder;
  /** Whether this run was superseded (its lease or in-process claim was taken by a newer run). */
  superseded: () => boolean;
  signal?: AbortSignal;
  warn(message: string): void;
}

/**
 * `runTagRemoval`: the run tag's removal (discardRunExport), started as soon as its manifest was read, so
 * it runs alongside the promotion's PUT; none when the run tag was not found (the caller removes it then).
 */
export type PromotionOutcome = ({ promoted: true; digest: string } | { promoted: false; reason: string }) & {
  runTagRemoval?: Promise<void>;
};

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Promotes the run tag onto the cache tag if this run is still the newest. Never throws: a cache that could
 * not be written must not fail a build whose image was pushed. Once the run tag's manifest is read, its
 * bytes are all the promotion needs, so the run tag's removal starts then, beside the promotion's PUT
 * (`runTagRemoval`); releasing the lease is the caller's, and must wait for the promotion.
 */
export async function promoteRunExport(input: PromoteInput): Promise<PromotionOutcome> {
  const { registry, runExport } = input;
  const call = input.signal === undefined ? undefined : { signal: input.signal };
  let outcome: PromotionOutcome;
  let runTagRemoval: Promise<void> | undefined;
  try {
    // Both asked at once, one round trip: the run tag's manifest (whether it exists, and the bytes the
    // promotion then puts) and who holds the lease now.
    const leaseRef = input.leaseRef;
    const [runManifest, lease] = await Promise.all([
      registry.runExportManifest(runExport.runRef.ref, call),
      leaseRef === undefined
        ? { holder: null }
        : registry.leaseHolder(leaseRef, call).then(
            (holder) => ({ holder }),
            (error: unknown) => ({ holder: null, error }),
          ),
    ]);
    // BuildKit exports with ignore-error=true: a failed cache write leaves no run tag, and nothing to promote.
    if (runManifest === null) return { promoted: false, reason: 'the engine exported no cache' };
    // Only this run writes its run tag and its engine has exited: the tag was seen, no need to look again.
    runTagRemoval = discardRunExport(registry, runExport, input.warn, true);
    if ('error' in lease) {
      input.warn(`could not read the lease ${leaseRef} before promoting (${describe(lease.error)})`);
    }
    const holder: LeaseHolder | null = lease.holder;
    const decision = decidePromotion({ me: input.me, superseded: input.superseded(), holder });
    if (decision.promote) {
      // The bytes just read: only this run writes its run tag, and its engine has exited.
      const digest = await registry.promoteCache(runExport.runRef.ref, runExport.cacheRef.ref, {
        ...call,
        manifest: runManifest,
      });
      outcome = { promoted: true, digest };
    } else {
      outcome = { promoted: false, reason: decision.reason };
      input.warn(`did not promote ${runExport.runRef.ref} to ${runExport.cacheRef.ref}: ${decision.reason}`);
    }
  } catch (error) {
    outcome = { promoted: false, reason: describe(error) };
    input.warn(`could not promote ${runExport.runRef.ref} to ${runExport.cacheRef.ref}: ${describe(error)}`);
  }
  return runTagRemoval === undefined ? outcome : { ...outcome, runTagRemoval };
}

/**
 * Removes a run tag (untag: never a delete by digest, which would take the cache tag along after a
 * promotion). Never throws; `cache gc` removes what a failed removal or a killed run leaves behind.
 * `runTagSeen`: the promotion read the tag, which only this run writes and its engine has exited, so
 * the untag skips checking that it exists (one round trip fewer).
 */
export async function discardRunExport(
  registry: ImageRegistry,
  runExport: RunExport,
  warn: (message: string) => void,
  runTagSeen = false,
): Promise<void> {
  try {
    await registry.untag(runExport.runRef.ref, runTagSeen ? { exists: true } : undefined);
  } catch (error) {
    warn(`could not remove the run tag ${runExport.runRef.ref} (${describe(error)}): cache gc will`);
  }
}
