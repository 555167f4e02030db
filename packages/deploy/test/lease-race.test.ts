import type { LeaseHolder, RegistryPort } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { holdLease, isNewerRun } from '../src/coordination/writer-lease.js';
import { type EnvironmentPlan, planEnvironment } from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';

// The two orders in which two processes' claims can land on one lease, against a real registry: the
// run that started later keeps the lease either way.
const shared = useRegistryEnvironments('race');
const older: LeaseHolder = { runId: 'run-a', startedAt: new Date('2026-11-25T10:00:00Z'), host: 'ci-1' };
const newer: LeaseHolder = { runId: 'run-b', startedAt: new Date('2026-11-25T10:05:00Z'), host: 'ci-2' };

async function leaseRef(): Promise<string> {
  const plan: EnvironmentPlan = await planEnvironment(await shared.environment(), {
    buildUuid: validUuid('pr-7'),
  });
  return plan.services[0]!.cache.lease!.ref;
}

function hold(
  ref: string,
  me: LeaseHolder,
  newerRuns = new Map<string, LeaseHolder>(),
  registry: RegistryPort = shared.port(),
) {
  const warnings: string[] = [];
  const tookOver: string[] = [];
  const held = holdLease({
    registry,
    leaseRef: ref,
    runId: me.runId,
    host: me.host!,
    startedAt: me.startedAt,
    pollMs: 50,
    handoverMs: 0,
    staleAfterMs: 365 * 86_400_000,
    signal: new AbortController().signal,
    newerRuns,
    warn: (message) => warnings.push(message),
    tookOver: (previous) => tookOver.push(previous.runId),
  });
  return { held, warnings, newerRuns, tookOver };
}

describe('lease races between two processes', () => {
  it('orders runs by when they started, not by when they claimed', () => {
    expect(isNewerRun(newer, older)).toBe(true);
    expect(isNewerRun(older, newer)).toBe(false);
    expect(isNewerRun({ ...older, runId: 'run-z' }, older)).toBe(true);
  });

  it('an older run that claims over a newer one gives the lease back and stands down', async () => {
    const ref = await leaseRef();
    await shared.port().claimLease(ref, newer);

    const late = hold(ref, older);
    const lease = await late.held;
    expect(lease.signal.aborted).toBe(true);
    expect(String(lease.signal.reason)).toContain('superseded by run run-b on ci-2');
    expect(late.newerRuns.get('run-b')).toEqual(newer);
    expect((await shared.port().leaseHolder(ref))?.runId).toBe('run-b');
  });

  it('a newer run whose lease an older run overwrote takes it back and keeps building', async () => {
    const ref = await leaseRef();
    const current = hold(ref, newer);
    const lease = await current.held;
    await shared.port().claimLease(ref, older);

    await expect
      .poll(async () => (await shared.port().leaseHolder(ref))?.runId, { timeout: 5_000 })
      .toBe('run-b');
    expect(lease.signal.aborted).toBe(false);
    await lease.release();
    expect(await shared.port().leaseHolder(ref)).toBeNull();
    expect(current.warnings).toEqual([]);
  });

  it('a run that knows of a newer run claims no lease, even one it would read free', async () => {
    const ref = await leaseRef();
    const late = hold(ref, older, new Map([[newer.runId, newer]]));
    const lease = await late.held;
    expect(lease.signal.aborted).toBe(true);
    expect(String(lease.signal.reason)).toContain('superseded by run run-b on ci-2');
    // Nothing written: the newer run's claim on this lease may simply not have landed yet.
    expect(await shared.port().leaseHolder(ref)).toBeNull();
  });

  it("an older run whose claim a newer run's claim lands right after stands down at once", async () => {
    const ref = await leaseRef();
    const late = hold(ref, older, undefined, landsAfterClaim(newer));
    const lease = await late.held;
    expect(lease.signal.aborted).toBe(true);
    expect(late.newerRuns.get('run-b')).toEqual(newer);
    expect((await shared.port().leaseHolder(ref))?.runId).toBe('run-b');
  });

  it("a newer run whose claim an older run's claim lands right after takes it back and hands over", async () => {
    const ref = await leaseRef();
    const current = hold(ref, newer, undefined, landsAfterClaim(older));
    const lease = await current.held;
    expect(lease.signal.aborted).toBe(false);
    expect((await shared.port().leaseHolder(ref))?.runId).toBe('run-b');
    // The older run built after reading the lease free: it gets the handover window to notice and stop.
    expect(current.tookOver).toEqual(['run-a']);
    await lease.release();
  });
});

/**
 * The real registry, where another process's claim lands right after this process's first claim: the
 * order no compare-and-swap prevents (both read the lease free, the other writes last).
 */
function landsAfterClaim(other: LeaseHolder): RegistryPort {
  const port = shared.port();
  let landed = false;
  return Object.assign(Object.create(port) as RegistryPort, {
    async claimLease(...args: Parameters<RegistryPort['claimLease']>) {
      const previous = await port.claimLease(...args);
      if (!landed) await port.claimLease(args[0], other);
      landed = true;
      return previous;
    },
  });
}
