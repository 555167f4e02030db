import { parseImageReference } from '@deployer/cache-ref';
import { describe, expect, it } from 'vitest';
import {
  type CacheCandidate,
  decideRefresh,
  decideRefreshPromotion,
  planRefresh,
} from '../src/cache/refresh-decision.js';
import {
  buildEnvironment,
  type Environment,
  planEnvironment,
  reportToJson,
  Supersession,
} from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { PushingEngine } from './support/pushing-engine.js';
import { type RegistryEnvironments, useRegistryEnvironments } from './support/registry-environments.js';
import { pushCache } from './support/seed.js';

const paths = useRegistryEnvironments('followpath');
const tags = useRegistryEnvironments('followtag', { cache: { strategy: 'tag' } });

const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 10, minute));
const candidate = (buildUuid: string, minute: number | null): CacheCandidate => ({
  buildUuid: validUuid(buildUuid),
  ref: `r/c/web/${buildUuid}:cache`,
  digest: `sha256:${buildUuid}`,
  createdAt: minute === null ? null : at(minute),
});

describe('decideRefresh', () => {
  it('takes the newest cache of the environments that used the content when the own ref is older or absent', () => {
    const theirs = [candidate('pr-1', 5), candidate('pr-2', 9), candidate('pr-3', null)];
    expect(decideRefresh(null, theirs)).toMatchObject({ refresh: true, from: theirs[1] });
    const older = { digest: 'sha256:own', cache: true, createdAt: at(1) };
    expect(decideRefresh(older, theirs)).toMatchObject({
      refresh: true,
      from: theirs[1],
      why: `the own cache ref (${at(1).toISOString()}) is older than r/c/web/pr-2:cache (${at(9).toISOString()})`,
    });
    // An own cache without createdat cannot be newer: it is replaced.
    expect(decideRefresh({ ...older, createdAt: null }, theirs).refresh).toBe(true);
  });

  it('leaves an own ref alone that is as new, the same, an image, or when nothing compares', () => {
    const theirs = [candidate('pr-1', 5)];
    expect(decideRefresh({ digest: 'sha256:own', cache: true, createdAt: at(5) }, theirs)).toEqual({
      refresh: false,
      from: 'r/c/web/pr-1:cache',
      reason: 'the own cache ref is as new as r/c/web/pr-1:cache',
    });
    expect(decideRefresh({ digest: 'sha256:pr-1', cache: true, createdAt: at(1) }, theirs)).toMatchObject({
      refresh: false,
      reason: "the own cache ref is r/c/web/pr-1:cache's already",
    });
    expect(decideRefresh({ digest: 'sha256:own', cache: false, createdAt: null }, theirs)).toMatchObject({
      refresh: false,
      reason: 'the own cache ref holds no BuildKit cache',
    });
    expect(decideRefresh(null, [candidate('pr-1', null)])).toMatchObject({ refresh: false });
    expect(decideRefresh(null, [])).toEqual({
      refresh: false,
      from: null,
      reason: 'no environment that uses this content has a cache',
    });
  });

  it('promotes only while the own ref is what was judged and no newer run writes it', () => {
    const me = { runId: 'run-a', startedAt: at(0) };
    const newer = { runId: 'run-b', startedAt: at(1) };
    const base = { judgedDigest: 'sha256:old', currentDigest: 'sha256:old', me, superseded: false };
    expect(decideRefreshPromotion({ ...base, holder: null })).toEqual({ promote: true });
    expect(decideRefreshPromotion({ ...base, currentDigest: 'sha256:new', holder: null })).toEqual({
      promote: false,
      reason: 'the own cache ref was written meanwhile',
    });
    expect(decideRefreshPromotion({ ...base, holder: newer }).promote).toBe(false);
    expect(decideRefreshPromotion({ ...base, superseded: true, holder: null }).promote).toBe(false);
  });
});

/** Builds `web` for an environment with an engine that pushes real images (its ownership tag too). */
async function build(shared: RegistryEnvironments, environment: Environment, buildUuid: string) {
  const plan = await planEnvironment(environment, {
    buildUuid: validUuid(buildUuid),
    fallbacks: [],
    services: ['web'],
    registry: shared.port(),
  });
  const report = await buildEnvironment(plan, {
    engine: new PushingEngine(() => shared.client()),
    registry: shared.port(),
    supersession: new Supersession(),
    lease: { runId: `run-${buildUuid}`, pollMs: 50 },
  });
  const web = plan.services[0]!;
  return { plan, web, report, result: report.services[0]!, ownRef: web.cache.export!.ref };
}

async function runTagsOf(shared: RegistryEnvironments, ref: string): Promise<string[]> {
  const { repository } = parseImageReference(ref);
  // A repository nothing was ever written to has no tags (the registry answers NAME_UNKNOWN).
  const listed = await shared
    .client()
    .listTags(repository)
    .catch(() => []);
  return listed.filter((tag) => tag.includes('--run-'));
}

describe('a skipped service follows the cache of the environment that built its image (real registry)', () => {
  for (const [strategy, shared] of [
    ['path', paths],
    ['tag', tags],
  ] as const) {
    it(`${strategy} strategy: main's older cache becomes pr-1's, through a run tag that is gone after`, async () => {
      const environment = await shared.environment();
      // main built other content before: its own cache is older than pr-1's.
      await shared.write('web/app.txt', `before ${strategy}`);
      const mainBefore = await build(shared, environment, 'main');
      await pushCache(shared.client(), mainBefore.ownRef, at(1));
      await shared.write('web/app.txt', `merged ${strategy}`);
      const pr = await build(shared, environment, 'pr-1');
      expect(pr.result.status).toBe('built');
      const prCache = await pushCache(shared.client(), pr.ownRef, at(30));

      const main = await build(shared, environment, 'main');

      expect(main.result.status).toBe('skipped');
      expect(main.result.cacheRefresh).toMatchObject({ status: 'refreshed', from: pr.ownRef });
      expect(main.result.cacheRefresh!.reason).toContain('is older than');
      expect(main.result.cacheRefresh!.reason).toContain('no blob downloaded or uploaded');
      expect(await shared.port().imageDigest(main.ownRef)).toBe(prCache);
      expect(await shared.port().imageDigest(pr.ownRef)).toBe(prCache);
      expect(await runTagsOf(shared, main.ownRef)).toEqual([]);
      // The lease was released, as after a build.
      expect(await shared.port().leaseHolder(main.web.cache.lease!.ref)).toBeNull();
      const json = JSON.parse(reportToJson(main.report));
      expect(json.services[0].cacheRefresh).toEqual(main.result.cacheRefresh);
      expect(json.importOrder).toEqual([{ buildUuid: 'main', source: 'own', why: 'its own cache' }]);

      // Skipped again: the own cache is pr-1's now, nothing to write.
      const again = await build(shared, environment, 'main');
      expect(again.result.cacheRefresh).toEqual({
        status: 'none',
        from: pr.ownRef,
        reason: `the own cache ref is ${pr.ownRef}'s already`,
      });
    });
  }

  it('a newer own cache is kept; absent caches and no other owner write nothing', async () => {
    const environment = await paths.environment();
    await paths.write('web/app.txt', 'newer own');
    const pr = await build(paths, environment, 'pr-2');
    // The environment that built it skips onto its own image: no other owner.
    const self = await build(paths, environment, 'pr-2');
    expect(self.result.cacheRefresh).toMatchObject({
      status: 'none',
      reason: 'no other environment records this content',
    });
    // pr-2 has no cache: nothing to follow, main's own stays absent.
    const first = await build(paths, environment, 'main');
    expect(first.result).toMatchObject({
      status: 'skipped',
      cacheRefresh: { status: 'none', reason: 'no environment that uses this content has a cache' },
    });
    expect(await paths.port().imageDigest(first.ownRef)).toBeNull();

    await pushCache(paths.client(), pr.ownRef, at(10));
    const mainCache = await pushCache(paths.client(), first.ownRef, at(20));
    const second = await build(paths, environment, 'main');
    expect(second.result.cacheRefresh).toEqual({
      status: 'none',
      from: pr.ownRef,
      reason: `the own cache ref is as new as ${pr.ownRef}`,
    });
    expect(await paths.port().imageDigest(second.ownRef)).toBe(mainCache);
  });

  it('never follows an owner that has moved on: its cache is of other content now', async () => {
    const environment = await paths.environment();
    await paths.write('web/app.txt', 'moved on: merged');
    const pr = await build(paths, environment, 'pr-4');
    await pushCache(paths.client(), pr.ownRef, at(10));
    // pr-4 builds other content after: its environment tag leaves the image, and its cache is that content's.
    await paths.write('web/app.txt', 'moved on: later');
    await build(paths, environment, 'pr-4');
    await pushCache(paths.client(), pr.ownRef, at(30));
    await paths.write('web/app.txt', 'moved on: merged');

    const main = await build(paths, environment, 'main');

    expect(main.result).toMatchObject({
      status: 'skipped',
      cacheRefresh: { status: 'none', reason: 'no environment that uses this content has a cache' },
    });
    expect(await paths.port().imageDigest(main.ownRef)).toBeNull();
  });

  it('does not write while a newer run holds the lease, and removes its run tag', async () => {
    const environment = await paths.environment();
    await paths.write('web/app.txt', 'newer run');
    const pr = await build(paths, environment, 'pr-3');
    await pushCache(paths.client(), pr.ownRef, at(10));
    const plan = await planEnvironment(environment, {
      buildUuid: validUuid('main'),
      fallbacks: [],
      services: ['web'],
      registry: paths.port(),
    });
    const web = plan.services[0]!;
    await paths.port().claimLease(web.cache.lease!.ref, {
      runId: 'run-later',
      startedAt: new Date(Date.now() + 60_000),
      host: 'elsewhere',
    });
    const report = await buildEnvironment(plan, {
      engine: new PushingEngine(() => paths.client()),
      registry: paths.port(),
      supersession: new Supersession(),
      lease: { runId: 'run-main', pollMs: 50 },
    });
    expect(report.services[0]).toMatchObject({
      status: 'skipped',
      cacheRefresh: { status: 'none', from: pr.ownRef },
    });
    expect(report.services[0]!.cacheRefresh!.reason).toContain('run-later');
    expect(await paths.port().imageDigest(web.cache.export!.ref)).toBeNull();
    expect(await runTagsOf(paths, web.cache.export!.ref)).toEqual([]);
  });

  it('a registry error leaves the skip standing with a warning; an aborted run reports it cancelled', async () => {
    const environment = await paths.environment();
    await paths.write('web/app.txt', 'errors');
    const pr = await build(paths, environment, 'pr-5');
    await pushCache(paths.client(), pr.ownRef, at(10));
    const plan = await planEnvironment(environment, {
      buildUuid: validUuid('main'),
      fallbacks: [],
      services: ['web'],
      registry: paths.port(),
    });
    const port = paths.port();
    const failing = {
      ...port,
      inspectCacheRef: async () => {
        throw new Error('registry said 500');
      },
    };
    const warnings: string[] = [];
    const failed = await buildEnvironment(plan, {
      engine: new PushingEngine(() => paths.client()),
      registry: failing,
      supersession: new Supersession(),
      onEvent: ({ event }) => {
        if (event.type === 'warning') warnings.push(event.message);
      },
    });
    expect(failed.ok).toBe(true);
    expect(failed.services[0]).toMatchObject({
      status: 'skipped',
      cacheRefresh: { status: 'none', from: null, reason: expect.stringContaining('registry said 500') },
    });
    expect(warnings).toEqual([expect.stringContaining('could not bring')]);

    const abort = new AbortController();
    let seeds = 0;
    const aborting = {
      ...port,
      seedCacheRef: (...args: Parameters<typeof port.seedCacheRef>) => {
        seeds++;
        abort.abort(new Error('stopped by the caller'));
        return port.seedCacheRef(...args);
      },
    };
    const aborted = await buildEnvironment(plan, {
      engine: new PushingEngine(() => paths.client()),
      registry: aborting,
      supersession: new Supersession(),
      signal: abort.signal,
    });
    expect(seeds).toBe(1);
    expect(aborted.services[0]).toMatchObject({ status: 'failed', failure: { cause: 'cancelled' } });
    // Nothing written, and the run tag the seed may have begun is gone.
    const ownRef = plan.services[0]!.cache.export!.ref;
    expect(await port.imageDigest(ownRef)).toBeNull();
    expect(await runTagsOf(paths, ownRef)).toEqual([]);
  });

  it('buildah: nothing to follow, and says why', async () => {
    const { web } = await build(paths, await paths.environment(), 'pr-4');
    expect(planRefresh({ ...web, cache: { ...web.cache, engine: 'buildah' } }, null)).toMatchObject({
      refresh: false,
      reason: expect.stringContaining('buildah'),
    });
  });
});
