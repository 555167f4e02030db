import { expect, it } from 'vitest';
import {
  acceptDelivery,
  claimJob,
  countQueuedJobs,
  finishJob,
  getEnvironment,
  markBuildRunning,
  renewClaim,
} from '../src/index.js';
import { forEachBackend } from './support/backends.js';
import { uuid } from './support/build-uuids.js';
import { buildUuids, deliver, openPullRequest } from './support/deliveries.js';

const repo = 'acme/shop';
const claim = { replica: 'replica-a', claimSeconds: 30 };

forEachBackend((open) => {
  it('stores a delivery once: the same delivery id again is a duplicate and queues nothing', async () => {
    const state = await open();
    const first = await deliver(state, repo, openPullRequest(1, 'a1'), 'delivery-1');
    expect(first).toMatchObject({ duplicate: false, buildId: expect.any(Number) });
    const again = await deliver(state, repo, openPullRequest(1, 'b2'), 'delivery-1');
    expect(again).toEqual({ duplicate: true });

    const [environment] = await getEnvironment(state, first.buildUuid!);
    expect(environment?.builds.map((build) => [build.sha, build.status])).toEqual([['a1', 'queued']]);
    expect(environment?.desiredSha).toBe('a1');
    expect(await countQueuedJobs(state)).toBe(1);
    const rows = await state.db.selectFrom('deliveries').selectAll().execute();
    expect(rows).toEqual([
      expect.objectContaining({
        delivery_id: 'delivery-1',
        repository: repo,
        result: `build ${first.buildId} queued`,
      }),
    ]);
  });

  it('keeps a pull request build uuid across synchronize, made once', async () => {
    const state = await open();
    const before = buildUuids.made.length;
    const opened = await deliver(state, repo, openPullRequest(7, 'a1'));
    const pushed = await deliver(state, repo, openPullRequest(7, 'b2'));
    expect(buildUuids.made.length - before).toBe(1);
    expect(pushed.buildUuid).toBe(opened.buildUuid);
    const other = await deliver(state, repo, openPullRequest(8, 'c3'));
    expect(other.buildUuid).not.toBe(opened.buildUuid);
    // The same number in another repository is another pull request.
    const elsewhere = await deliver(state, 'acme/blog', openPullRequest(7, 'd4'));
    expect(elsewhere.buildUuid).not.toBe(opened.buildUuid);
  });

  it('lets the newest SHA win: older queued builds superseded, a running older one told so', async () => {
    const state = await open();
    const first = await deliver(state, repo, openPullRequest(2, 'sha-1'));
    const running = await claimJob(state, claim);
    expect(running).toMatchObject({ buildId: first.buildId, sha: 'sha-1', generation: 1, takeover: false });
    if (running === undefined) throw new Error('no job');
    await markBuildRunning(state, running, 'buildah');
    expect(await renewClaim(state, running, 30)).toEqual({ held: true, superseded: false });

    const second = await deliver(state, repo, openPullRequest(2, 'sha-2'));
    const third = await deliver(state, repo, openPullRequest(2, 'sha-3'));
    expect(await renewClaim(state, running, 30)).toEqual({ held: true, superseded: true });

    const [environment] = await getEnvironment(state, first.buildUuid!);
    expect(environment?.builds.map((build) => [build.id, build.sha, build.generation, build.status])).toEqual(
      [
        [third.buildId, 'sha-3', 3, 'queued'],
        [second.buildId, 'sha-2', 2, 'superseded'],
        [first.buildId, 'sha-1', 1, 'running'],
      ],
    );
    expect(environment).toMatchObject({ desiredSha: 'sha-3', generation: 3, status: 'queued' });
    expect(await countQueuedJobs(state)).toBe(1);

    // While the superseded build still holds the claim, the newest waits; it finishes as superseded.
    expect(await claimJob(state, { replica: 'replica-b', claimSeconds: 30 })).toBeUndefined();
    expect(await finishJob(state, running, { status: 'superseded' })).toBe(true);
    const [afterSuperseded] = await getEnvironment(state, first.buildUuid!);
    expect(afterSuperseded?.status).toBe('queued'); // untouched by the superseded build
    const newest = await claimJob(state, { replica: 'replica-b', claimSeconds: 30 });
    expect(newest).toMatchObject({ buildId: third.buildId, sha: 'sha-3', generation: 3 });
  });

  it('closes a pull request with a down job: deleting, then deleted when it finishes', async () => {
    const state = await open();
    const opened = await deliver(state, repo, openPullRequest(3, 'a1', 'Add cart'));
    const build = await claimJob(state, claim);
    if (build === undefined) throw new Error('no job');
    expect(await finishJob(state, build, { status: 'succeeded', report: { services: [] } })).toBe(true);
    expect((await getEnvironment(state, opened.buildUuid!))[0]?.status).toBe('built');

    const closed = await deliver(state, repo, { type: 'close-pull-request', number: 3 });
    expect(closed).toMatchObject({
      duplicate: false,
      buildUuid: opened.buildUuid,
      buildId: expect.any(Number),
    });
    const [deleting] = await getEnvironment(state, opened.buildUuid!);
    expect(deleting).toMatchObject({ status: 'deleting', generation: 2 });
    expect(deleting?.builds[0]).toMatchObject({
      id: closed.buildId,
      kind: 'down',
      sha: 'a1',
      status: 'queued',
    });

    const closedAgain = await deliver(state, repo, { type: 'close-pull-request', number: 3 });
    expect(closedAgain).toEqual({ duplicate: false, buildUuid: opened.buildUuid, buildId: undefined });
    expect(await countQueuedJobs(state)).toBe(1);

    const down = await claimJob(state, claim);
    expect(down).toMatchObject({
      kind: 'down',
      buildId: closed.buildId,
      environment: { pullRequestNumber: 3 },
    });
    if (down === undefined) throw new Error('no job');
    await markBuildRunning(state, down, 'buildah');
    expect((await getEnvironment(state, opened.buildUuid!))[0]?.status).toBe('deleting');
    expect(await finishJob(state, down, { status: 'succeeded' })).toBe(true);
    const [deleted] = await getEnvironment(state, opened.buildUuid!);
    expect(deleted).toMatchObject({ status: 'deleted', lastBuild: { kind: 'down', status: 'succeeded' } });

    // Closing again (a redelivery under a new id) and closing an unknown pull request queue nothing.
    expect((await deliver(state, repo, { type: 'close-pull-request', number: 3 })).buildId).toBeUndefined();
    expect(await deliver(state, repo, { type: 'close-pull-request', number: 99 })).toEqual({
      duplicate: false,
    });
    expect(await countQueuedJobs(state)).toBe(0);
  });

  it('stores ignored deliveries and fallback builds under the fallback name', async () => {
    const state = await open();
    const ignored = await acceptDelivery(
      state,
      { deliveryId: 'ping-1', event: 'ping', repository: repo },
      { type: 'ignore', reason: 'ping' },
      buildUuids.next,
    );
    expect(ignored).toEqual({ duplicate: false });
    const pushed = await deliver(state, repo, { type: 'build-fallback', fallback: uuid('main'), sha: 'f1' });
    expect(pushed.buildUuid).toBe('main');
    const job = await claimJob(state, claim);
    expect(job?.environment).toEqual({
      id: expect.any(Number),
      buildUuid: 'main',
      repository: repo,
      kind: 'fallback',
      pullRequestNumber: null,
      branch: null,
    });
    const row = await state.db
      .selectFrom('deliveries')
      .select('result')
      .where('delivery_id', '=', 'ping-1')
      .executeTakeFirst();
    expect(row?.result).toBe('ignored: ping');
  });
});
