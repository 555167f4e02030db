import type { LeaseHolder, RegistryPort } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { environmentLeaseRefs } from '../src/cache/environment-leases.js';
import { collectGarbage, downEnvironment, planEnvironment } from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { pushImage, snapshotRegistry } from './support/seed.js';

// Leases a run killed before releasing them leaves in the registry (`…/<uuid>/lease:lease`,
// `lease-<service>-<uuid>`), against a real registry: `down` removes the environment's, `cache gc` those
// whose run is gone, never a live one of another run, never a fallback's.
const shared = useRegistryEnvironments('leasegc');
const hour = 3_600_000;
const now = new Date();
/** A run killed three hours ago: its leases are past the 2 h after which a build takes them over at once. */
const killed: LeaseHolder = {
  runId: 'run-killed',
  startedAt: new Date(now.getTime() - 3 * hour),
  host: 'ci-7',
};
/** Another run, building right now. */
const live: LeaseHolder = { runId: 'run-live', startedAt: new Date(now.getTime() - 60_000), host: 'ci-8' };

/** Claims and never releases, as a killed run leaves it: every lease ref of the environment's service. */
async function leaveLeases(refs: readonly string[], holder: LeaseHolder): Promise<void> {
  for (const ref of refs) await shared.port().claimLease(ref, holder);
}

const holders = (refs: readonly string[]) =>
  Promise.all(refs.map(async (ref) => (await shared.port().leaseHolder(ref))?.runId ?? null));

describe("down removes the environment's lease tags", () => {
  it('under both strategies, dry run first; never pr-42’s nor the fallback’s', async () => {
    const env = await shared.environment();
    const own = environmentLeaseRefs(env, 'web', validUuid('pr-4'));
    const lookalike = environmentLeaseRefs(env, 'web', validUuid('pr-42'));
    const main = environmentLeaseRefs(env, 'web', validUuid('main'));
    expect(own).toHaveLength(2);
    // The lease the build plans for the environment is one of them.
    const plan = await planEnvironment(env, { buildUuid: validUuid('pr-4'), services: ['web'] });
    expect(own).toContain(plan.services[0]!.cache.lease!.ref);
    await leaveLeases(own, killed);
    await leaveLeases([...lookalike, ...main], killed);
    // api's lease is held by a run still building: `down` tears the environment down all the same.
    const apiLease = environmentLeaseRefs(env, 'api', validUuid('pr-4'))[0]!;
    await leaveLeases([apiLease], live);

    const leaseActions = (result: Awaited<ReturnType<typeof downEnvironment>>) =>
      result.actions
        .filter((action) => action.kind === 'lease')
        .map((action) => [action.service, action.ref, action.action, action.deleted]);
    const before = await snapshotRegistry(shared.client());
    const dry = await downEnvironment(env, {
      registry: shared.port(),
      buildUuid: validUuid('pr-4'),
      dryRun: true,
    });
    expect(leaseActions(dry)).toEqual([
      ['web', own[0], 'delete', false],
      ['web', own[1], 'delete', false],
      ['api', apiLease, 'delete', false],
    ]);
    expect(dry.actions.find((action) => action.ref === own[0])?.reason).toBe(
      `lease of run run-killed on ci-7, claimed ${killed.startedAt.toISOString()}`,
    );
    expect(await snapshotRegistry(shared.client())).toEqual(before);

    const result = await downEnvironment(env, { registry: shared.port(), buildUuid: validUuid('pr-4') });
    expect(leaseActions(result)).toEqual([
      ['web', own[0], 'delete', true],
      ['web', own[1], 'delete', true],
      ['api', apiLease, 'delete', true],
    ]);
    expect(await holders([...own, apiLease])).toEqual([null, null, null]);
    expect(await holders([...lookalike, ...main])).toEqual(Array(4).fill('run-killed'));

    // Nothing left: no lease action at all (absent leases are not listed).
    const again = await downEnvironment(env, { registry: shared.port(), buildUuid: validUuid('pr-4') });
    expect(leaseActions(again)).toEqual([]);
  });

  it('leaves a tag holding no lease record', async () => {
    const env = await shared.environment();
    const [, tagLease] = environmentLeaseRefs(env, 'web', validUuid('pr-5')) as [string, string];
    const digest = await pushImage(shared.client(), [tagLease], 'not a lease');
    const result = await downEnvironment(env, { registry: shared.port(), buildUuid: validUuid('pr-5') });
    expect(result.actions.filter((action) => action.kind === 'lease')).toEqual([
      expect.objectContaining({ ref: tagLease, action: 'keep', reason: 'not a lease record, left alone' }),
    ]);
    expect(await shared.port().imageDigest(tagLease)).toBe(digest);
  });
});

describe('cache gc removes the leases of runs that are gone', () => {
  it("removes a killed run's, keeps a live one of another run, the fallback's and foreign tags", async () => {
    const env = await shared.environment();
    const dead = environmentLeaseRefs(env, 'web', validUuid('pr-dead'));
    const building = environmentLeaseRefs(env, 'web', validUuid('pr-live'));
    const main = environmentLeaseRefs(env, 'web', validUuid('main'));
    await leaveLeases(dead, killed);
    await leaveLeases(building, live);
    await leaveLeases(main, killed);
    const foreign = environmentLeaseRefs(env, 'web', validUuid('pr-image'))[1]!;
    await pushImage(shared.client(), [foreign], 'not a lease');
    const apiDead = environmentLeaseRefs(env, 'api', validUuid('pr-dead'))[0]!;
    await leaveLeases([apiDead], killed);

    const decisions = (result: Awaited<ReturnType<typeof collectGarbage>>) =>
      Object.fromEntries(
        result.leases.map((entry) => [entry.ref, [entry.service, entry.action, entry.deleted]]),
      );
    const before = await snapshotRegistry(shared.client());
    const olderThanMs = 14 * 24 * hour;
    const dry = await collectGarbage(env, { registry: shared.port(), olderThanMs, now, dryRun: true });
    const expected = (deleted: boolean) => ({
      [dead[0]!]: ['web', 'delete', deleted],
      [dead[1]!]: ['web', 'delete', deleted],
      [building[0]!]: ['web', 'keep', false],
      [building[1]!]: ['web', 'keep', false],
      [main[0]!]: ['web', 'keep', false],
      [main[1]!]: ['web', 'keep', false],
      [foreign]: ['web', 'keep', false],
      [apiDead]: ['api', 'delete', deleted],
    });
    expect(decisions(dry)).toEqual(expected(false));
    expect(await snapshotRegistry(shared.client())).toEqual(before);
    const reasons = Object.fromEntries(dry.leases.map((entry) => [entry.ref, entry.reason]));
    expect(reasons[building[0]!]).toBe(
      `held by run run-live on ci-8, claimed ${live.startedAt.toISOString()}: its run may still be building`,
    );
    expect(reasons[main[0]!]).toBe('fallback environment');
    expect(reasons[foreign]).toBe('not a lease record, left alone');
    expect(reasons[dead[0]!]).toMatch(/^lease of run run-killed on ci-7, claimed .*: its run is gone$/);
    expect(dry.leases.find((entry) => entry.ref === dead[0])).toMatchObject({
      buildUuid: 'pr-dead',
      holder: { runId: 'run-killed', host: 'ci-7', startedAt: killed.startedAt.toISOString() },
    });

    const result = await collectGarbage(env, { registry: shared.port(), olderThanMs, now });
    expect(decisions(result)).toEqual(expected(true));
    expect(await holders([...dead, apiDead])).toEqual([null, null, null]);
    expect(await holders([...building, ...main])).toEqual([
      'run-live',
      'run-live',
      'run-killed',
      'run-killed',
    ]);
    expect(await shared.port().imageDigest(foreign)).not.toBeNull();
    // Only the services asked for; with a shorter stale age the other run's lease counts as a dead one's.
    const shorter = await collectGarbage(env, {
      registry: shared.port(),
      olderThanMs,
      now,
      services: ['web'],
      leaseStaleAfterMs: 1_000,
      dryRun: true,
    });
    expect(decisions(shorter)).toEqual({
      [building[0]!]: ['web', 'delete', false],
      [building[1]!]: ['web', 'delete', false],
      [main[0]!]: ['web', 'keep', false],
      [main[1]!]: ['web', 'keep', false],
      [foreign]: ['web', 'keep', false],
    });
  });

  it('never removes a claim that landed after the lease was read', async () => {
    const env = await shared.environment();
    const [lease] = environmentLeaseRefs(env, 'web', validUuid('pr-race')) as [string];
    await leaveLeases([lease], killed);
    // Between gc's read and its removal, a new run of the environment claims the lease.
    const port = shared.port();
    const racing: RegistryPort = {
      ...port,
      async releaseLease(ref, holder, options) {
        await port.claimLease(ref, live);
        return port.releaseLease(ref, holder, options);
      },
    };
    const result = await collectGarbage(env, { registry: racing, olderThanMs: hour, now, services: ['web'] });
    expect(result.leases.map((entry) => [entry.ref, entry.action])).toEqual([[lease, 'delete']]);
    expect((await port.leaseHolder(lease))?.runId).toBe('run-live');
  });
});
