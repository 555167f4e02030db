import { expect, it } from 'vitest';
import {
  type ClaimedJob,
  claimJob,
  expiredEnvironments,
  finishJob,
  jobFallbacks,
  liveBuildUuids,
  type State,
} from '../src/index.js';
import { forEachBackend } from './support/backends.js';
import { uuid } from './support/build-uuids.js';
import { deliver, openPullRequest } from './support/deliveries.js';

const repo = 'acme/shop';
const claim = { replica: 'replica-a', claimSeconds: 30 };
const settings = { fallback: uuid('main') };

async function claimOrFail(state: State): Promise<ClaimedJob> {
  const job = await claimJob(state, claim);
  if (job === undefined) throw new Error('claimed nothing');
  return job;
}

/** Delivers, claims the job it queued and finishes it with `status`; returns the claimed job. */
async function run(
  state: State,
  intent: Parameters<typeof deliver>[2],
  status: 'succeeded' | 'failed' = 'succeeded',
) {
  await deliver(state, repo, intent);
  const job = await claimOrFail(state);
  await finishJob(state, job, { status });
  return job;
}

forEachBackend((open) => {
  it('a pull request: stacked parent, then its base branch, then the default branch, each with why', async () => {
    const state = await open();
    await run(state, { type: 'build-fallback', fallback: uuid('main'), sha: 'm1', branch: 'main' });
    await run(state, {
      type: 'build-branch',
      branch: 'release/1.4',
      buildUuid: uuid('branch-release'),
      sha: 'r1',
    });
    const parent = await run(
      state,
      openPullRequest(12, 'p1', undefined, { baseRef: 'release/1.4', headRef: 'feature-a' }),
    );
    await deliver(
      state,
      repo,
      openPullRequest(13, 'c1', undefined, { baseRef: 'feature-a', headRef: 'feature-b' }),
    );
    const child = await claimOrFail(state);
    expect(await jobFallbacks(state, child, settings)).toEqual([
      {
        buildUuid: parent.environment.buildUuid,
        why: 'stacked on pull request #12 (feature-a)',
        relation: 'stacked-pull-request',
      },
      { buildUuid: 'main', why: 'default branch main', relation: 'default-branch' },
    ]);
    expect(await jobFallbacks(state, parent, settings)).toEqual([
      { buildUuid: 'branch-release', why: 'base branch release/1.4', relation: 'base-branch' },
      { buildUuid: 'main', why: 'default branch main', relation: 'default-branch' },
    ]);
  });

  it('names only what can warm: no unbuilt or closed parent, no fork branch, the default branch once', async () => {
    const state = await open();
    // A failed parent has no cache yet; a fork's head branch (headRef null) is no parent.
    await run(
      state,
      openPullRequest(20, 'p1', undefined, { baseRef: 'main', headRef: 'feature-a' }),
      'failed',
    );
    await run(state, openPullRequest(21, 'f1', undefined, { baseRef: 'main', headRef: null }));
    await deliver(state, repo, openPullRequest(22, 'c1', undefined, { baseRef: 'feature-a', headRef: 'x' }));
    const child = await claimOrFail(state);
    // No fallback build yet: the default branch is still named (by its uuid), as before.
    expect(await jobFallbacks(state, child, settings)).toEqual([
      { buildUuid: 'main', why: 'default branch main', relation: 'default-branch' },
    ]);
    await finishJob(state, child, { status: 'succeeded' });
    // Into the default branch: its environment once, not as a base branch too.
    await run(state, { type: 'build-fallback', fallback: uuid('main'), sha: 'm1', branch: 'trunk' });
    await deliver(state, repo, openPullRequest(23, 'd1', undefined, { baseRef: 'trunk', headRef: 'y' }));
    expect(await jobFallbacks(state, await claimOrFail(state), settings)).toEqual([
      { buildUuid: 'main', why: 'default branch trunk', relation: 'default-branch' },
    ]);
    // A rebuilt parent closed meanwhile is no longer stacked on.
    await run(state, openPullRequest(20, 'p2', undefined, { baseRef: 'main', headRef: 'feature-a' }));
    await deliver(state, repo, { type: 'close-pull-request', number: 20, merged: false });
    await deliver(state, repo, openPullRequest(22, 'c2', undefined, { baseRef: 'feature-a', headRef: 'x' }));
    const jobs = [await claimOrFail(state), await claimOrFail(state)];
    const rebuilt = jobs.find((job) => job.kind === 'build');
    if (rebuilt === undefined) throw new Error('no build');
    expect((await jobFallbacks(state, rebuilt, settings)).map((choice) => choice.why)).toEqual([
      'default branch trunk',
    ]);
  });

  it('a branch environment: merged pull requests still held, then the default branch; live, never expired', async () => {
    const state = await open();
    await run(state, {
      type: 'build-branch',
      branch: 'release/1.4',
      buildUuid: uuid('branch-release'),
      sha: 'r1',
    });
    const merged = await run(
      state,
      openPullRequest(30, 'h1', undefined, { baseRef: 'release/1.4', headRef: 'fix-1' }),
    );
    await deliver(state, repo, {
      type: 'close-pull-request',
      number: 30,
      merged: true,
      mergeCommitSha: 'r2',
      baseRef: 'release/1.4',
      headRef: 'fix-1',
      holdSeconds: 1800,
    });
    await deliver(state, repo, {
      type: 'build-branch',
      branch: 'release/1.4',
      buildUuid: uuid('branch-release'),
      sha: 'r2',
    });
    const release = await claimOrFail(state);
    expect(await jobFallbacks(state, release, settings)).toEqual([
      {
        buildUuid: merged.environment.buildUuid,
        why: 'merged pull request #30',
        relation: 'merged-pull-request',
      },
      { buildUuid: 'main', why: 'default branch main', relation: 'default-branch' },
    ]);
    // The TTL sweep's and cache gc's view: both the branch and the held pull request are live, and
    // neither is handed to teardown for its age.
    expect((await liveBuildUuids(state, repo)).sort()).toEqual(
      ['branch-release', merged.environment.buildUuid].sort(),
    );
    expect(
      await expiredEnvironments(state, { repository: repo, idleBefore: new Date(Date.now() + 86_400_000) }),
    ).toEqual([]);
    await finishJob(state, release, { status: 'succeeded' });
    // Released: the next build of the branch no longer imports it, and its teardown runs.
    const down = await claimOrFail(state);
    expect(down).toMatchObject({ kind: 'down', environment: { buildUuid: merged.environment.buildUuid } });
    await finishJob(state, down, { status: 'succeeded' });
    expect(await liveBuildUuids(state, repo)).toEqual(['branch-release']);
  });
});
