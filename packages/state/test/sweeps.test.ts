import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import {
  type ClaimedJob,
  claimJob,
  claimSweep,
  expiredEnvironments,
  finishJob,
  getEnvironment,
  liveBuildUuids,
  requestTeardown,
  type State,
} from '../src/index.js';
import { forEachBackend } from './support/backends.js';
import { uuid } from './support/build-uuids.js';
import { deliver, openPullRequest } from './support/deliveries.js';

const repo = 'acme/shop';

async function build(state: State, replica = 'replica-a'): Promise<ClaimedJob> {
  const job = await claimJob(state, { replica, claimSeconds: 30 });
  if (job === undefined) throw new Error('nothing to claim');
  return job;
}

/** The database's clock, which every activity time is written with. */
async function databaseNow(state: State): Promise<Date> {
  const row = await state.db.selectNoFrom((eb) => eb.fn<Date>('now').as('now')).executeTakeFirstOrThrow();
  return new Date(row.now);
}

forEachBackend((open) => {
  it('records a build that ends after a newer push as superseded, leaving the status to the newer build', async () => {
    const state = await open();
    const opened = await deliver(state, repo, openPullRequest(1, 'a1'), 'first-push');
    const older = await build(state);
    await deliver(state, repo, openPullRequest(1, 'b2'));
    expect(await finishJob(state, older, { status: 'succeeded', report: { services: [] } })).toBe(true);
    const [environment] = await getEnvironment(state, opened.buildUuid!);
    expect(environment?.builds.map((record) => [record.sha, record.status])).toEqual([
      ['b2', 'queued'],
      ['a1', 'superseded'],
    ]);
    expect(environment?.status).toBe('queued');
    expect(older.deliveryId).toBe('first-push');
    expect(older.queuedAt).toBeInstanceOf(Date);
    const newer = await build(state);
    expect(await finishJob(state, newer, { status: 'succeeded' })).toBe(true);
    expect((await getEnvironment(state, opened.buildUuid!))[0]?.status).toBe('built');
  });

  it('finds pull request environments idle past a cutoff, with their labels; never a fallback', async () => {
    const state = await open();
    const idle = await deliver(state, repo, {
      type: 'build-pull-request',
      number: 1,
      headSha: 'a1',
      title: 'PR 1',
      labels: ['keep-preview'],
    });
    await deliver(state, repo, { type: 'build-fallback', fallback: uuid('main'), sha: 'm1' });
    await sleep(50);
    const cutoff = await databaseNow(state);
    await sleep(50);
    const recent = await deliver(state, repo, openPullRequest(2, 'b1'));
    const expired = await expiredEnvironments(state, { repository: repo, idleBefore: cutoff });
    expect(expired.map((environment) => [environment.buildUuid, environment.labels])).toEqual([
      [idle.buildUuid, ['keep-preview']],
    ]);
    expect(await expiredEnvironments(state, { repository: 'other/repo', idleBefore: cutoff })).toEqual([]);

    // Torn down like a close: a down job, the environment deleting, and no second teardown.
    const teardown = await requestTeardown(state, idle.buildUuid!, repo);
    expect(teardown).toHaveProperty('buildId');
    expect(await requestTeardown(state, idle.buildUuid!, repo)).toEqual({ error: 'deleted' });
    expect(await requestTeardown(state, uuid('no-such-environment'), repo)).toEqual({ error: 'not-found' });
    expect(
      await expiredEnvironments(state, { repository: repo, idleBefore: new Date(Date.now() + 3_600_000) }),
    ).toEqual([expect.objectContaining({ buildUuid: recent.buildUuid })]);
    expect((await liveBuildUuids(state, repo)).sort()).toEqual(
      [idle.buildUuid, recent.buildUuid, 'main'].sort(),
    );
  });

  it('lets one replica have each interval of a sweep', async () => {
    const state = await open();
    const claims = await Promise.all(
      ['a', 'b', 'c'].map((replica) => claimSweep(state, { name: 'ttl', replica, everySeconds: 0.4 })),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimSweep(state, { name: 'ttl', replica: 'b', everySeconds: 0.4 })).toBe(false);
    expect(await claimSweep(state, { name: 'gc', replica: 'b', everySeconds: 0.4 })).toBe(true);
    await sleep(500);
    expect(await claimSweep(state, { name: 'ttl', replica: 'c', everySeconds: 0.4 })).toBe(true);
  });
});
