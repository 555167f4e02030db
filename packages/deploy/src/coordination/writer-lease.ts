import { setTimeout as sleep } from 'node:timers/promises';
import type { LeaseHolder, LeaseRegistry } from '@deployer/contracts';
import { SupersededError } from './superseded-error.js';

/*
 * One writer per cache ref across processes. `Supersession` keeps runs of one process apart; two
 * `deployer build` processes (two CI machines, consecutive pushes to one pull request) only meet in the
 * registry. So a build claims a lease there (a cache plan's `lease`) before it writes its export
 * ref, checks every `pollMs` that it still holds it, and stops as soon as a newer run does: the run that
 * started last wins, whichever claimed last (see isNewerRun). A claim that takes over a recent lease first waits `handoverMs`, long enough for the older
 * run to notice on its next check and stop before the newer one writes.
 *
 * The registry has no compare-and-swap, so a claim re-reads the lease after writing it (a newer run's
 * claim landing just after makes this run stand down; an older run's gets taken back, with the handover
 * wait). And a lease read as free proves nothing, as the newer run's claim may still be on its way: a run
 * that has seen any lease of its environment held by a newer run claims no further lease.
 *
 * Lease I/O failures never fail a build: they are reported as warnings and the build goes on unguarded.
 * Availability over strictness: a registry hiccup must not stop every deploy, the registry being where the
 * build pushes anyway, and the in-process Supersession still applies.
 */

export interface LeaseOptions {
  /** This run's id in its leases; default a random UUID per `buildEnvironment` call. */
  runId?: string;
  /** Names this machine to other runs; default `os.hostname()`. */
  host?: string;
  /** How often a build checks it still holds its lease. Default 2000 ms. */
  pollMs?: number;
  /** How long a claim that took over a recent lease waits before building. Default 2 × `pollMs`. */
  handoverMs?: number;
  /** A lease claimed longer ago than this is a dead run's: taken over without waiting. Default 2 h. */
  staleAfterMs?: number;
  /** When this run started: of two runs, the later-started one keeps a lease. Default: now. */
  startedAt?: Date;
}

/**
 * Whether `a` is a newer run than `b`. Newer means started later (run ids break ties), not claimed later:
 * a slow older run can claim after the newer one, and must still lose.
 */
export function isNewerRun(a: LeaseHolder, b: LeaseHolder): boolean {
  const byStart = a.startedAt.getTime() - b.startedAt.getTime();
  return byStart !== 0 ? byStart > 0 : a.runId > b.runId;
}

export const defaultLeasePollMs = 2_000;
export const defaultLeaseStaleAfterMs = 2 * 60 * 60 * 1000;

export interface HeldLease {
  /** Aborted with a SupersededError once another run holds the lease. */
  readonly signal: AbortSignal;
  /** Stops checking and deletes the lease if this run still holds it. Never throws. */
  release(): Promise<void>;
}

export interface HoldLeaseInput {
  registry: LeaseRegistry;
  leaseRef: string;
  runId: string;
  host: string;
  /** When this run started (see isNewerRun). */
  startedAt: Date;
  pollMs: number;
  handoverMs: number;
  staleAfterMs: number;
  /** Cancels the claim and the handover wait (the run was cancelled, or superseded in this process). */
  signal: AbortSignal;
  /**
   * Runs of this environment that started after this one, by run id, as every lease record this run read
   * showed them; shared by its services. Once one is known this run claims no lease at all: the newer run
   * builds every service too, and reading a lease as free tells nothing (its claim may not have landed).
   */
  newerRuns: Map<string, LeaseHolder>;
  warn(message: string): void;
  /** Another run held the lease; this one waits `waitMs` (0 for a stale lease) before building. */
  tookOver(previous: LeaseHolder, waitMs: number): void;
  /** Work to do while the registry stores this run's claim (the engine's warm-up), once at most. */
  whileClaiming?: () => void;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Claims the lease and keeps checking it until released; the lease's signal is already aborted when a
 * run known to be newer holds it, or any lease of the environment showed one. Throws only the abort reason
 * of `input.signal`, after releasing what it claimed.
 */
export async function holdLease(input: HoldLeaseInput): Promise<HeldLease> {
  const { registry, leaseRef, runId } = input;
  const me: LeaseHolder = { runId, startedAt: input.startedAt, host: input.host };
  const lost = new AbortController();
  const standDown = (newer: LeaseHolder): HeldLease => {
    input.newerRuns.set(newer.runId, newer);
    lost.abort(SupersededError.byLease(leaseRef, newer));
    return { signal: lost.signal, release: async () => {} };
  };
  const known = newestOf(input.newerRuns);
  if (known !== null) return standDown(known);
  // The run this claim takes the lease over from: who held it before, or an older run whose claim landed
  // between this run's write and its check.
  let takenFrom: LeaseHolder | null;
  try {
    const previous = await registry.claimLease(leaseRef, me, {
      signal: input.signal,
      ...(input.whileClaiming !== undefined && { whileWriting: input.whileClaiming }),
    });
    if (previous !== null && previous.runId !== runId && isNewerRun(previous, me)) {
      // Read free, then claimed over a newer run that claimed in between: give it back, stand down.
      await registry.claimLease(leaseRef, previous, { signal: input.signal });
      return standDown(previous);
    }
    takenFrom = previous?.runId === runId ? null : previous;
    // Claim, then verify: without compare-and-swap, another run's write can land right after this one.
    const after = await registry.leaseHolder(leaseRef, { signal: input.signal });
    if (after !== null && after.runId !== runId) {
      if (isNewerRun(after, me)) return standDown(after);
      // An older run that read the lease free overwrote this claim: take it back, and give that run the
      // handover window to notice, as for any lease taken over.
      await registry.claimLease(leaseRef, me, { signal: input.signal });
      takenFrom ??= after;
    }
  } catch (error) {
    if (input.signal.aborted) throw input.signal.reason;
    input.warn(
      `could not claim the lease ${leaseRef} (${describe(error)}): building without protection from other processes`,
    );
    return { signal: lost.signal, release: async () => {} };
  }

  const stopped = new AbortController();
  const polling = poll(input, me, lost, stopped.signal);
  const release = async (): Promise<void> => {
    stopped.abort();
    await polling;
    if (lost.signal.aborted) return; // another run holds it now
    try {
      // By the digest of the record this run's claim wrote: one request, and a newer claim's record stays.
      await registry.releaseLease(leaseRef, me);
    } catch (error) {
      input.warn(
        `could not release the lease ${leaseRef} (${describe(error)}): the next run may wait briefly`,
      );
    }
  };

  if (takenFrom !== null) {
    const age = Date.now() - takenFrom.startedAt.getTime();
    const waitMs = age < input.staleAfterMs ? input.handoverMs : 0;
    input.tookOver(takenFrom, waitMs);
    try {
      if (waitMs > 0) await sleep(waitMs, undefined, { signal: input.signal });
    } catch (error) {
      await release();
      throw input.signal.aborted ? input.signal.reason : error;
    }
  }
  return { signal: lost.signal, release };
}

/** The latest-started of the runs known to be newer than this one; null when none is known. */
function newestOf(runs: ReadonlyMap<string, LeaseHolder>): LeaseHolder | null {
  let newest: LeaseHolder | null = null;
  for (const run of runs.values()) if (newest === null || isNewerRun(run, newest)) newest = run;
  return newest;
}

/**
 * Checks every `pollMs` who holds the lease: a newer run aborts `lost`; an older run that claimed over
 * this one (it read the lease free a moment before) gets it taken back.
 */
async function poll(
  input: HoldLeaseInput,
  me: LeaseHolder,
  lost: AbortController,
  stopped: AbortSignal,
): Promise<void> {
  let failing = false;
  while (!stopped.aborted) {
    try {
      await sleep(input.pollMs, undefined, { signal: stopped });
    } catch {
      return;
    }
    try {
      const holder = await input.registry.leaseHolder(input.leaseRef, { signal: stopped });
      failing = false;
      // Nobody (the lease was deleted, e.g. by `down`) is not a newer run: keep building.
      if (holder !== null && holder.runId !== input.runId) {
        if (!isNewerRun(holder, me)) {
          await input.registry.claimLease(input.leaseRef, me, { signal: stopped });
          continue;
        }
        input.newerRuns.set(holder.runId, holder);
        lost.abort(SupersededError.byLease(input.leaseRef, holder));
        return;
      }
    } catch (error) {
      if (stopped.aborted) return;
      // One warning per outage, not one per check.
      if (!failing)
        input.warn(`could not check the lease ${input.leaseRef} (${describe(error)}): still building`);
      failing = true;
    }
  }
}
