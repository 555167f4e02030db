import { setTimeout as sleep } from 'node:timers/promises';
import { expect, it } from 'vitest';
import {
  type ClaimedJob,
  claimJob,
  countQueuedJobs,
  finishJob,
  getEnvironment,
  markBuildRunning,
  releaseJob,
  renewClaim,
  type State,
} from '../src/index.js';
import { forEachBackend } from './support/backends.js';
import { deliver, openPullRequest } from './support/deliveries.js';

const repo = 'acme/shop';

async function claimOrFail(state: State, replica: string, claimSeconds = 30): Promise<ClaimedJob> {
  const job = await claimJob(state, { replica, claimSeconds });
  if (job === undefined) throw new Error(`${replica} claimed nothing`);
  return job;
}

async function runningJobsPerEnvironment(state: State): Promise<Map<number, number>> {
  const rows = await state.db
    .selectFrom('jobs')
    .select('environment_id')
    .where('state', '=', 'running')
    .execute();
  const counts = new Map<number, number>();
  for (const row of rows) counts.set(row.environment_id, (counts.get(row.environment_id) ?? 0) + 1);
  return counts;
}

forEachBackend((open) => {
  it('never gives two running jobs for one environment, while other environments proceed', async () => {
    const state = await open();
    const one = await deliver(state, repo, openPullRequest(1, 'a1'));
    const first = await claimOrFail(state, 'replica-a');
    expect(first.environment.buildUuid).toBe(one.buildUuid);
    await deliver(state, repo, openPullRequest(1, 'a2')); // queued behind the running one
    const two = await deliver(state, repo, openPullRequest(2, 'b1'));

    const second = await claimOrFail(state, 'replica-b');
    expect(second.environment.buildUuid).toBe(two.buildUuid);
    expect(await claimJob(state, { replica: 'replica-c', claimSeconds: 30 })).toBeUndefined();
    expect(await claimJob(state, { replica: 'replica-a', claimSeconds: 30 })).toBeUndefined();
    expect([...(await runningJobsPerEnvironment(state)).values()]).toEqual([1, 1]);
    expect(await countQueuedJobs(state)).toBe(1);

    expect(await finishJob(state, first, { status: 'superseded' })).toBe(true);
    const third = await claimOrFail(state, 'replica-c');
    expect(third).toMatchObject({ sha: 'a2', generation: 2, environment: { buildUuid: one.buildUuid } });
    expect([...(await runningJobsPerEnvironment(state)).values()]).toEqual([1, 1]);
  });

  it('takes over a job whose claim expired; the old holder can no longer renew or finish', async () => {
    const state = await open();
    const delivered = await deliver(state, repo, openPullRequest(4, 'a1'));
    const stalled = await claimOrFail(state, 'replica-a', 0.3);
    await markBuildRunning(state, stalled, 'buildkit');
    expect(await claimJob(state, { replica: 'replica-b', claimSeconds: 30 })).toBeUndefined();
    await sleep(500); // past the claim, by the database's clock

    const taken = await claimOrFail(state, 'replica-b');
    expect(taken).toMatchObject({ jobId: stalled.jobId, buildId: stalled.buildId, takeover: true });
    expect(taken.claimToken).not.toBe(stalled.claimToken);
    expect(await renewClaim(state, stalled, 30)).toEqual({ held: false, superseded: false });
    expect(await finishJob(state, stalled, { status: 'failed', error: 'late' })).toBe(false);
    await markBuildRunning(state, stalled, 'written-by-nobody');

    const [environment] = await getEnvironment(state, delivered.buildUuid!);
    expect(environment?.builds[0]).toMatchObject({
      status: 'running',
      engine: 'buildkit',
      error: null,
      replica: 'replica-b',
    });
    const job = await state.db
      .selectFrom('jobs')
      .selectAll()
      .where('id', '=', taken.jobId)
      .executeTakeFirst();
    expect(job).toMatchObject({ state: 'running', claimed_by: 'replica-b', attempts: 2 });

    expect(await renewClaim(state, taken, 30)).toEqual({ held: true, superseded: false });
    expect(
      await finishJob(state, taken, { status: 'succeeded', report: { services: [{ name: 'web' }] } }),
    ).toBe(true);
    const [built] = await getEnvironment(state, delivered.buildUuid!);
    expect(built).toMatchObject({
      status: 'built',
      lastBuild: { status: 'succeeded', report: { services: [{ name: 'web' }] } },
    });
    expect(await finishJob(state, taken, { status: 'succeeded' })).toBe(false); // the claim is gone
  });

  it('renews a claim so it is not taken over while the holder works', async () => {
    const state = await open();
    await deliver(state, repo, openPullRequest(5, 'a1'));
    const holder = await claimOrFail(state, 'replica-a', 0.4);
    for (let round = 0; round < 3; round++) {
      await sleep(200);
      expect(await renewClaim(state, holder, 0.4)).toEqual({ held: true, superseded: false });
      expect(await claimJob(state, { replica: 'replica-b', claimSeconds: 30 })).toBeUndefined();
    }
  });

  it('releases a job back to the queue, and another replica claims it at once', async () => {
    const state = await open();
    const delivered = await deliver(state, repo, openPullRequest(6, 'a1'));
    const first = await claimOrFail(state, 'replica-a');
    await markBuildRunning(state, first, 'buildah');
    expect(await countQueuedJobs(state)).toBe(0);
    await releaseJob(state, first);
    expect(await countQueuedJobs(state)).toBe(1);
    const [requeued] = await getEnvironment(state, delivered.buildUuid!);
    expect(requeued?.builds[0]).toMatchObject({
      status: 'queued',
      startedAt: null,
      engine: null,
      replica: null,
    });

    const again = await claimOrFail(state, 'replica-b');
    expect(again).toMatchObject({ jobId: first.jobId, takeover: false });
    expect(await finishJob(state, first, { status: 'succeeded' })).toBe(false);
    await releaseJob(state, first); // not its claim any more: nothing happens
    expect(await renewClaim(state, again, 30)).toEqual({ held: true, superseded: false });
  });

  it('fails an environment on a failed build, with the error recorded', async () => {
    const state = await open();
    const delivered = await deliver(state, repo, openPullRequest(9, 'a1'));
    const job = await claimOrFail(state, 'replica-a');
    await markBuildRunning(state, job, 'buildah');
    expect((await getEnvironment(state, delivered.buildUuid!))[0]?.status).toBe('building');
    expect(await finishJob(state, job, { status: 'failed', error: 'step 3: exit 1' })).toBe(true);
    const [failed] = await getEnvironment(state, delivered.buildUuid!);
    expect(failed).toMatchObject({
      status: 'failed',
      lastBuild: { status: 'failed', error: 'step 3: exit 1' },
    });
    expect(failed?.lastBuild?.finishedAt).toBeInstanceOf(Date);
  });
});

forEachBackend((open) => {
  it('records a build whose output holds NUL bytes (a step that printed a binary file), NUL shown as U+FFFD', async () => {
    const state = await open();
    const delivered = await deliver(state, repo, openPullRequest(9, 'n1'));
    const job = await claimOrFail(state, 'replica-a');
    const output = 'cat /proc/self/environ\0PATH=/bin\0HOME=/root';
    expect(
      await finishJob(state, job, {
        status: 'failed',
        error: `web: ${output}`,
        report: { services: [{ service: 'web', status: 'failed', reason: output }] },
      }),
    ).toBe(true);
    const [environment] = await getEnvironment(state, delivered.buildUuid!, repo);
    const build = environment!.builds[0]!;
    expect(build.status).toBe('failed');
    expect(build.error).toBe('web: cat /proc/self/environ\uFFFDPATH=/bin\uFFFDHOME=/root');
    expect(JSON.stringify(build.report)).toContain('environ\uFFFDPATH=/bin');
  });
});
