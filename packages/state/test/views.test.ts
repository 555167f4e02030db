import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  claimJob,
  finishJob,
  getEnvironment,
  listEnvironments,
  openState,
  requestRebuild,
  StateError,
  syncRepositories,
} from '../src/index.js';
import { forEachBackend } from './support/backends.js';
import { uuid } from './support/build-uuids.js';
import { deliver, openPullRequest } from './support/deliveries.js';

forEachBackend((open) => {
  it('lists environments and shows one with its builds newest first', async () => {
    const state = await open();
    await syncRepositories(state, ['acme/shop', 'acme/blog', 'acme/shop']);
    expect(await listEnvironments(state)).toEqual([]);
    expect(await getEnvironment(state, uuid('nothing-here'))).toEqual([]);

    const pr = await deliver(state, 'acme/shop', openPullRequest(12, 'a1', 'Checkout v2'));
    const job = await claimJob(state, { replica: 'r1', claimSeconds: 30 });
    if (job === undefined) throw new Error('no job');
    await finishJob(state, job, {
      status: 'succeeded',
      report: { services: [{ service: 'web', cached: 3 }] },
    });
    const newest = await deliver(state, 'acme/shop', openPullRequest(12, 'a2', 'Checkout v2'));
    await deliver(state, 'acme/blog', { type: 'build-fallback', fallback: uuid('main'), sha: 'm1' });

    const list = await listEnvironments(state);
    expect(list.map((environment) => [environment.repository, environment.buildUuid])).toEqual([
      ['acme/blog', 'main'],
      ['acme/shop', pr.buildUuid],
    ]);
    const shop = list[1];
    expect(shop).toMatchObject({
      kind: 'pull_request',
      pullRequestNumber: 12,
      pullRequestTitle: 'Checkout v2',
      status: 'queued',
      desiredSha: 'a2',
      generation: 2,
      lastBuild: { id: newest.buildId, sha: 'a2', status: 'queued', kind: 'build' },
    });
    expect(shop?.createdAt).toBeInstanceOf(Date);
    expect(shop?.lastActivityAt.getTime()).toBeGreaterThanOrEqual(shop?.createdAt.getTime() ?? Number.NaN);
    expect(list[0]).toMatchObject({ kind: 'fallback', pullRequestNumber: null, pullRequestTitle: null });

    const [detail] = await getEnvironment(state, pr.buildUuid!, 'acme/shop');
    expect(detail?.builds.map((build) => [build.sha, build.status])).toEqual([
      ['a2', 'queued'],
      ['a1', 'succeeded'],
    ]);
    expect(detail?.builds[1]).toMatchObject({
      report: { services: [{ service: 'web', cached: 3 }] },
      replica: 'r1',
      error: null,
    });
    expect(detail?.builds[1]?.queuedAt).toBeInstanceOf(Date);
    expect(await getEnvironment(state, pr.buildUuid!, 'acme/blog')).toEqual([]);
  });

  it('rebuilds an environment at its SHA, and says why it cannot', async () => {
    const state = await open();
    expect(await requestRebuild(state, uuid('main'))).toEqual({ error: 'not-found' });
    await deliver(state, 'acme/shop', { type: 'build-fallback', fallback: uuid('main'), sha: 's1' });
    await deliver(state, 'acme/blog', { type: 'build-fallback', fallback: uuid('main'), sha: 'b1' });
    expect(await requestRebuild(state, uuid('main'))).toEqual({ error: 'ambiguous' });
    expect(await requestRebuild(state, uuid('main'), 'acme/other')).toEqual({ error: 'not-found' });

    const rebuilt = await requestRebuild(state, uuid('main'), 'acme/blog');
    expect(rebuilt).toEqual({ buildId: expect.any(Number) });
    const [blog] = await getEnvironment(state, uuid('main'), 'acme/blog');
    expect(blog?.builds.map((build) => [build.sha, build.generation, build.status])).toEqual([
      ['b1', 2, 'queued'],
      ['b1', 1, 'superseded'],
    ]);
    // A rebuild is forced (images built even when they exist); a delivery's build is not.
    const claimed = [
      await claimJob(state, { replica: 'r1', claimSeconds: 30 }),
      await claimJob(state, { replica: 'r1', claimSeconds: 30 }),
    ].find((job) => job?.environment.repository === 'acme/blog');
    expect(claimed).toMatchObject({
      buildId: (rebuilt as { buildId: number }).buildId,
      force: true,
      deliveryId: null,
    });

    const pr = await deliver(state, 'acme/shop', openPullRequest(3, 'p1'));
    await deliver(state, 'acme/shop', { type: 'close-pull-request', number: 3 });
    expect(await requestRebuild(state, pr.buildUuid!)).toEqual({ error: 'deleted' });
  });
});

describe('openState', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('refuses a database URL that is not postgres://', async () => {
    const failure = await openState({ databaseUrl: 'mysql://localhost/x' }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StateError);
    expect(failure).toMatchObject({ code: 'INVALID_DATABASE_URL' });
  });

  it('keeps PGlite state in its folder across reopening, migrating once', async () => {
    const folder = await mkdtemp(join(tmpdir(), 'deployer-state-reopen-'));
    folders.push(folder);
    const dataDir = join(folder, 'state');
    const first = await openState({ dataDir });
    expect(first.kind).toBe('pglite');
    const delivered = await deliver(first, 'acme/shop', openPullRequest(1, 'a1'));
    await first.close();
    const second = await openState({ dataDir });
    try {
      const [environment] = await getEnvironment(second, delivered.buildUuid!);
      expect(environment?.desiredSha).toBe('a1');
      const migrations = await second.db
        .selectFrom('kysely_migration' as never)
        .select('name' as never)
        .execute();
      expect(migrations).toEqual([
        { name: '001-initial' },
        { name: '002-sweeps-and-build-deliveries' },
        { name: '003-sessions' },
        { name: '004-branches-and-merge-holds' },
        { name: '005-claims' },
        { name: '006-hook-deliveries' },
      ]);
    } finally {
      await second.close();
    }
  });
});
