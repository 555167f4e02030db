import { setTimeout as sleep } from 'node:timers/promises';
import type { BuildUuid } from '@deployer/contracts';
import { expect, it } from 'vitest';
import {
  type ClaimedJob,
  claimJob,
  countQueuedJobs,
  finishJob,
  getEnvironment,
  type Intent,
  jobFallbacks,
  type State,
} from '../src/index.js';
import { forEachBackend } from './support/backends.js';
import { uuid as buildUuidOf } from './support/build-uuids.js';
import { deliver, openPullRequest } from './support/deliveries.js';

const repo = 'acme/shop';
const claim = { replica: 'replica-a', claimSeconds: 30 };
const mergeSha = 'merge-sha-1';

function merged(number: number, holdSeconds = 1800, baseRef = 'main'): Intent {
  return {
    type: 'close-pull-request',
    number,
    merged: true,
    mergeCommitSha: mergeSha,
    baseRef,
    headRef: `feature-${number}`,
    holdSeconds,
  };
}

const pushMain = (sha: string): Intent => ({
  type: 'build-fallback',
  fallback: buildUuidOf('main'),
  sha,
  branch: 'main',
});

async function claimOrFail(state: State): Promise<ClaimedJob> {
  const job = await claimJob(state, claim);
  if (job === undefined) throw new Error('claimed nothing');
  return job;
}

/** A pull request into main, opened and built. */
async function builtPullRequest(state: State, number: number): Promise<BuildUuid> {
  const opened = await deliver(
    state,
    repo,
    openPullRequest(number, `head-${number}`, undefined, { baseRef: 'main', headRef: `feature-${number}` }),
  );
  const job = await claimOrFail(state);
  await finishJob(state, job, { status: 'succeeded' });
  return opened.buildUuid!;
}

forEachBackend((open) => {
  it('close first: the down waits for main; main imports the merged pull request, then releases it', async () => {
    const state = await open();
    const uuid = await builtPullRequest(state, 1);
    const closed = await deliver(state, repo, merged(1));
    expect((await getEnvironment(state, uuid))[0]?.status).toBe('deleting');
    // Held: nothing to claim, nothing counted as waiting for a worker.
    expect(await claimJob(state, claim)).toBeUndefined();
    expect(await countQueuedJobs(state)).toBe(0);

    await deliver(state, repo, pushMain(mergeSha));
    const main = await claimOrFail(state);
    expect(main.environment).toMatchObject({ buildUuid: 'main', kind: 'fallback', branch: 'main' });
    expect(await jobFallbacks(state, main, { fallback: buildUuidOf('main') })).toEqual([
      { buildUuid: uuid, why: 'merged pull request #1', relation: 'merged-pull-request' },
    ]);
    // While main builds, the merged pull request's caches stay.
    expect(await claimJob(state, claim)).toBeUndefined();
    await finishJob(state, main, { status: 'succeeded' });
    const down = await claimOrFail(state);
    expect(down).toMatchObject({ kind: 'down', buildId: closed.buildId });
  });

  it('push first, built: the close releases the down at once', async () => {
    const state = await open();
    await builtPullRequest(state, 2);
    await deliver(state, repo, pushMain(mergeSha));
    const main = await claimOrFail(state);
    await finishJob(state, main, { status: 'succeeded' });
    const closed = await deliver(state, repo, merged(2));
    expect(await claimOrFail(state)).toMatchObject({ kind: 'down', buildId: closed.buildId });
  });

  it('push first, still building: the down is released when the build at the merge commit finishes', async () => {
    const state = await open();
    const uuid = await builtPullRequest(state, 3);
    await deliver(state, repo, pushMain(mergeSha));
    const main = await claimOrFail(state);
    const closed = await deliver(state, repo, merged(3));
    expect(await claimJob(state, claim)).toBeUndefined();
    // Claimed before the merge was recorded: its import order did not hold the pull request.
    expect(await jobFallbacks(state, main, { fallback: buildUuidOf('main') })).toEqual([
      { buildUuid: uuid, why: 'merged pull request #3', relation: 'merged-pull-request' },
    ]);
    await finishJob(state, main, { status: 'failed', error: 'web: step 3 failed' });
    expect(await claimOrFail(state)).toMatchObject({ kind: 'down', buildId: closed.buildId });
  });

  it('a build claimed before the merge at another commit releases nothing; a superseded one neither', async () => {
    const state = await open();
    await builtPullRequest(state, 4);
    await deliver(state, repo, pushMain('before-merge'));
    const early = await claimOrFail(state);
    const closed = await deliver(state, repo, merged(4));
    await finishJob(state, early, { status: 'succeeded' });
    expect(await claimJob(state, claim)).toBeUndefined();
    // A later push supersedes the queued merge build: only a build that finishes counts.
    await deliver(state, repo, pushMain(mergeSha));
    await deliver(state, repo, pushMain('after-merge'));
    const next = await claimOrFail(state);
    expect(next).toMatchObject({ sha: 'after-merge' });
    await finishJob(state, next, { status: 'succeeded' });
    expect(await claimOrFail(state)).toMatchObject({ kind: 'down', buildId: closed.buildId });
  });

  it('another branch finishing releases nothing; the hold ends on its own after mergeHold', async () => {
    const state = await open();
    await builtPullRequest(state, 5);
    const closed = await deliver(state, repo, merged(5, 1));
    await deliver(state, repo, {
      type: 'build-branch',
      branch: 'release/1.4',
      buildUuid: buildUuidOf('branch-r'),
      sha: mergeSha,
    });
    const release = await claimOrFail(state);
    expect(release.environment).toMatchObject({ kind: 'fallback', branch: 'release/1.4' });
    await finishJob(state, release, { status: 'succeeded' });
    expect(await claimJob(state, claim)).toBeUndefined();
    await sleep(1_200);
    expect(await claimOrFail(state)).toMatchObject({ kind: 'down', buildId: closed.buildId });
  });

  it('a close that did not merge, or merged without a hold, is torn down at once', async () => {
    const state = await open();
    await builtPullRequest(state, 6);
    await builtPullRequest(state, 7);
    const closed = await deliver(state, repo, { type: 'close-pull-request', number: 6, merged: false });
    expect(await claimOrFail(state)).toMatchObject({ kind: 'down', buildId: closed.buildId });
    const unheld = await deliver(state, repo, merged(7, 0));
    expect(await claimOrFail(state)).toMatchObject({ kind: 'down', buildId: unheld.buildId });
    const row = await state.db
      .selectFrom('pull_requests')
      .select(['number', 'state', 'merged_sha', 'base_ref', 'head_ref'])
      .where('number', 'in', [6, 7])
      .orderBy('number')
      .execute();
    expect(row).toEqual([
      { number: 6, state: 'closed', merged_sha: null, base_ref: 'main', head_ref: 'feature-6' },
      { number: 7, state: 'closed', merged_sha: mergeSha, base_ref: 'main', head_ref: 'feature-7' },
    ]);
  });

  it('deleting a branch tears its environment down and releases what merged into it', async () => {
    const state = await open();
    await deliver(state, repo, {
      type: 'build-branch',
      branch: 'release/1.4',
      buildUuid: buildUuidOf('branch-r'),
      sha: 'r1',
    });
    await finishJob(state, await claimOrFail(state), { status: 'succeeded' });
    await deliver(
      state,
      repo,
      openPullRequest(8, 'h8', undefined, { baseRef: 'release/1.4', headRef: 'fix' }),
    );
    await finishJob(state, await claimOrFail(state), { status: 'succeeded' });
    const closed = await deliver(state, repo, merged(8, 1800, 'release/1.4'));
    expect(await claimJob(state, claim)).toBeUndefined();
    const deleted = await deliver(state, repo, {
      type: 'delete-branch',
      branch: 'release/1.4',
      buildUuid: buildUuidOf('branch-r'),
    });
    expect(deleted.buildId).toEqual(expect.any(Number));
    const first = await claimOrFail(state);
    const second = await claimOrFail(state);
    expect([first.buildId, second.buildId].sort()).toEqual([closed.buildId, deleted.buildId].sort());
    expect(second.kind).toBe('down');
    // Deleting it again (a redelivery under a new id) queues nothing.
    expect(
      (
        await deliver(state, repo, {
          type: 'delete-branch',
          branch: 'release/1.4',
          buildUuid: buildUuidOf('branch-r'),
        })
      ).buildId,
    ).toBeUndefined();
  });
});
