import type { LeaseHolder } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { WriteGuard } from '../src/coordination/write-guard.js';
import { SupersededError, Supersession } from '../src/index.js';

const newer: LeaseHolder = { runId: 'run-b', startedAt: new Date('2026-11-25T10:05:00Z'), host: 'ci-2' };

describe('SupersededError', () => {
  it('is one type, code SUPERSEDED, for a newer run of this process and for a lease', async () => {
    const supersession = new Supersession();
    const older = supersession.claim('registry/cache:web', supersession.startRun());
    const newerClaim = supersession.claim('registry/cache:web', supersession.startRun());
    const inProcess = older.signal.reason as SupersededError;
    expect(inProcess).toBeInstanceOf(SupersededError);
    expect(inProcess).toMatchObject({ code: 'SUPERSEDED', ref: 'registry/cache:web' });
    expect(inProcess.newerRun).toEqual({ sequence: 2 });
    expect(inProcess.message).toBe('superseded by a newer run (#2) writing registry/cache:web');
    older.release();
    await newerClaim.ready;
    newerClaim.release();

    const byLease = SupersededError.byLease('registry/cache/lease:lease', newer);
    expect(byLease).toMatchObject({ code: 'SUPERSEDED', ref: 'registry/cache/lease:lease' });
    expect(byLease.newerRun).toEqual(newer);
    expect(byLease.message).toBe('superseded by run run-b on ci-2');
    expect(SupersededError.byLease('x', { runId: 'run-c', startedAt: new Date() }).message).toBe(
      'superseded by run run-c',
    );
  });
});

describe('WriteGuard', () => {
  it('lets a run write until it is cancelled', () => {
    const cancel = new AbortController();
    const guard = new WriteGuard(cancel.signal, new Map());
    expect(guard.mayWrite()).toBe(true);
    cancel.abort(new Error('web failed'));
    expect(guard.mayWrite()).toBe(false);
    expect(guard.signal.aborted).toBe(true);
    // Cancelled is not superseded: promotion's registry calls stop on the cancellation instead.
    expect(guard.superseded()).toBe(false);
    expect(guard.supersededBy()).toBeNull();
    expect(guard.cancelSignal.aborted).toBe(true);
  });

  it('stops on a watched supersession and names it, the cancellation signal staying untouched', () => {
    const guard = new WriteGuard(new AbortController().signal, new Map());
    const claim = new AbortController();
    const lease = new AbortController();
    guard.watch(claim.signal);
    guard.watch(lease.signal);
    expect(guard.signal.aborted).toBe(false);
    const reason = SupersededError.byLease('registry/cache/lease:lease', newer);
    lease.abort(reason);
    expect(guard.signal.aborted).toBe(true);
    expect(guard.signal.reason).toBe(reason);
    expect(guard.supersededBy()).toBe(reason);
    expect(guard.superseded()).toBe(true);
    expect(guard.mayWrite()).toBe(false);
    expect(guard.cancelSignal.aborted).toBe(false);
  });

  it('may not write once any lease of the environment showed a newer run, though nothing stopped it', () => {
    const newerRuns = new Map<string, LeaseHolder>();
    const guard = new WriteGuard(new AbortController().signal, newerRuns);
    expect(guard.mayWrite()).toBe(true);
    newerRuns.set(newer.runId, newer);
    expect(guard.mayWrite()).toBe(false);
    expect(guard.superseded()).toBe(true);
    // The build itself goes on (its own lease decides); only what it writes afterwards is refused.
    expect(guard.signal.aborted).toBe(false);
    expect(guard.supersededBy()).toBeNull();
  });
});
