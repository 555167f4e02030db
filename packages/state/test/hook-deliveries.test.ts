import { expect, it } from 'vitest';
import {
  claimJob,
  finishHookDelivery,
  finishJob,
  HOOK_ERROR_MAX_CHARS,
  hookBuildFacts,
  listHookDeliveries,
  type StartHookDeliveryInput,
  type State,
  startHookDelivery,
} from '../src/index.js';
import { forEachBackend } from './support/backends.js';
import { uuid } from './support/build-uuids.js';
import { deliver, openPullRequest } from './support/deliveries.js';

const repo = 'acme/shop';
const sha = 'a'.repeat(40);

async function builtPullRequest(state: State, number: number, headRef: string | null) {
  const delivered = await deliver(state, repo, openPullRequest(number, sha, `PR ${number}`, { headRef }));
  const job = await claimJob(state, { replica: 'replica-a', claimSeconds: 30 });
  if (job === undefined) throw new Error('nothing to claim');
  await finishJob(state, job, { status: 'succeeded', report: { services: [] } });
  return { buildUuid: delivered.buildUuid!, buildId: job.buildId };
}

function delivery(id: string, buildId: number, overrides: Partial<StartHookDeliveryInput> = {}) {
  return {
    id,
    hookUrl: 'https://deploy.example.com/hooks/deployer',
    event: 'built' as const,
    buildId,
    buildUuid: 'env-1',
    repository: repo,
    ...overrides,
  };
}

forEachBackend((open) => {
  it("reads a build's recorded facts: status, environment, pull request and its head branch", async () => {
    const state = await open();
    const own = await builtPullRequest(state, 7, 'checkout-v2');
    expect(await hookBuildFacts(state, own.buildId)).toEqual({
      buildId: own.buildId,
      kind: 'build',
      status: 'succeeded',
      sha,
      buildUuid: own.buildUuid,
      repository: repo,
      pullRequestNumber: 7,
      branch: 'checkout-v2',
    });
    // A fork's pull request has no branch of this repository.
    const fork = await builtPullRequest(state, 8, null);
    expect(await hookBuildFacts(state, fork.buildId)).toMatchObject({ pullRequestNumber: 8, branch: null });
    // A branch environment names its branch.
    await deliver(state, repo, {
      type: 'build-branch',
      branch: 'release/1.4',
      buildUuid: uuid('branch-release-1-4-0123456789'),
      sha,
    });
    const branchJob = await claimJob(state, { replica: 'replica-a', claimSeconds: 30 });
    expect(await hookBuildFacts(state, branchJob!.buildId)).toMatchObject({
      status: 'queued', // running once the worker marks it so
      pullRequestNumber: null,
      branch: 'release/1.4',
      buildUuid: 'branch-release-1-4-0123456789',
    });
    expect(await hookBuildFacts(state, 999_999)).toBeUndefined();
  });

  it('lets exactly one caller deliver a hook per build and event, and records its outcome', async () => {
    const state = await open();
    const { buildId } = await builtPullRequest(state, 9, 'cart');
    // Two replicas report the same build's end at once: one of them delivers.
    const starts = await Promise.all([
      startHookDelivery(state, delivery('d-a', buildId)),
      startHookDelivery(state, delivery('d-b', buildId)),
    ]);
    expect(starts.filter(Boolean)).toHaveLength(1);
    const winner = starts[0] ? 'd-a' : 'd-b';
    // Another event of the same build, or another hook, is a delivery of its own.
    expect(await startHookDelivery(state, delivery('d-c', buildId, { event: 'torn_down' }))).toBe(true);
    expect(
      await startHookDelivery(state, delivery('d-d', buildId, { hookUrl: 'https://other.example.com/x' })),
    ).toBe(true);

    const pending = await listHookDeliveries(state);
    expect(pending.map((row) => row.id).sort()).toEqual([winner, 'd-c', 'd-d'].sort());
    expect(pending.find((row) => row.id === winner)).toMatchObject({
      outcome: 'pending',
      attempts: 0,
      statusCode: null,
      finishedAt: null,
      hookUrl: 'https://deploy.example.com/hooks/deployer',
      buildId,
    });

    await finishHookDelivery(state, winner, {
      outcome: 'delivered',
      attempts: 3,
      statusCode: 204,
      lastError: null,
    });
    await finishHookDelivery(state, 'd-c', {
      outcome: 'failed',
      attempts: 5,
      statusCode: 503,
      lastError: `HTTP 503 \u0000${'x'.repeat(2 * HOOK_ERROR_MAX_CHARS)}`,
    });
    const rows = await listHookDeliveries(state, { limit: 10 });
    const delivered = rows.find((row) => row.id === winner)!;
    expect(delivered).toMatchObject({ outcome: 'delivered', attempts: 3, statusCode: 204, lastError: null });
    expect(delivered.finishedAt!.getTime()).toBeGreaterThanOrEqual(delivered.createdAt.getTime());
    const failed = rows.find((row) => row.id === 'd-c')!;
    expect(failed).toMatchObject({ outcome: 'failed', attempts: 5, statusCode: 503, event: 'torn_down' });
    expect(failed.lastError).toHaveLength(HOOK_ERROR_MAX_CHARS);
    expect(failed.lastError!.startsWith('HTTP 503 \uFFFD')).toBe(true);
  });

  it('lists the newest deliveries first, as many as asked within bounds', async () => {
    const state = await open();
    const { buildId } = await builtPullRequest(state, 10, 'b');
    for (const [index, event] of (['built', 'failed', 'torn_down'] as const).entries()) {
      await startHookDelivery(state, delivery(`d-${index}`, buildId, { event }));
    }
    expect((await listHookDeliveries(state)).map((row) => row.event)).toEqual([
      'torn_down',
      'failed',
      'built',
    ]);
    expect((await listHookDeliveries(state, { limit: 2 })).map((row) => row.id)).toEqual(['d-2', 'd-1']);
    expect(await listHookDeliveries(state, { limit: 0 })).toHaveLength(1);
  });
});
