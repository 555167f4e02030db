import { parseImageReference, runScopedExport } from '@deployer/cache-ref';
import { describe, expect, it } from 'vitest';
import { seedOwnCache } from '../src/cache/seed.js';
import { decideSeedPromotion, planSeeding, triesNextFallback } from '../src/cache/seed-decision.js';
import { buildEnvironment, type DeployEvent, planEnvironment, Supersession } from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { engineResult, ScriptedEngine } from './support/scripted-engine.js';
import { pushCache, pushImage } from './support/seed.js';

const paths = useRegistryEnvironments('seedpath');
const tags = useRegistryEnvironments('seedtag', { cache: { strategy: 'tag' } });
const older = { runId: 'run-a', startedAt: new Date('2026-01-01T10:00:00Z') };
const newer = { runId: 'run-b', startedAt: new Date('2026-01-01T10:05:00Z') };

const split = (ref: string) => {
  const parsed = parseImageReference(ref);
  return { repository: parsed.repository, tag: parsed.tag! };
};

async function webPlan(shared: typeof paths, buildUuid: string) {
  const plan = await planEnvironment(await shared.environment(), { buildUuid: validUuid(buildUuid) });
  const web = plan.services.find((service) => service.service === 'web')!;
  const mainRef = web.cache.imports.find((endpoint) => endpoint.buildUuid === 'main')!.ref;
  return { plan: { ...plan, services: [web] }, web, mainRef, ownRef: web.cache.export!.ref };
}

/** Builds the plan with an engine that finishes at once; returns the report and every deploy event. */
async function build(
  plan: Awaited<ReturnType<typeof webPlan>>['plan'],
  shared: typeof paths,
  registry = shared.port(),
) {
  const engine = new ScriptedEngine();
  const events: DeployEvent[] = [];
  const ownAtBuild: (string | null)[] = [];
  const done = buildEnvironment(plan, {
    engine,
    registry,
    supersession: new Supersession(),
    onEvent: (event) => events.push(event),
  });
  await engine.started(plan.buildUuid, 'web');
  ownAtBuild.push(await shared.port().imageDigest(plan.services[0]!.cache.export!.ref));
  engine.complete(plan.buildUuid, 'web', engineResult());
  return { report: await done, events, ownAtBuild };
}

describe('planSeeding', () => {
  it('seeds only BuildKit registry caches with a run export and a fallback, from the fallbacks in order', async () => {
    const { web } = await webPlan(paths, 'pr-1');
    const runExport = runScopedExport(web.cache, older);
    const plan = planSeeding(web.cache, runExport);
    expect(plan).toEqual({
      seed: true,
      own: web.cache.export,
      runRef: runExport!.runRef,
      fallbacks: web.cache.imports.filter((endpoint) => endpoint.source !== 'own'),
    });
    expect(plan.seed && plan.fallbacks.map((endpoint) => endpoint.buildUuid)).toEqual(['main']);
    expect(planSeeding(web.cache, null)).toEqual({ seed: false, reason: 'no registry to seed through' });
    expect(planSeeding({ ...web.cache, mode: 'inline' }, runExport).seed).toBe(false);
    expect(planSeeding({ ...web.cache, engine: 'buildah' }, runExport).seed).toBe(false);
    expect(planSeeding({ ...web.cache, export: null }, runExport).seed).toBe(false);
    const ownOnly = { ...web.cache, imports: web.cache.imports.filter((e) => e.source === 'own') };
    expect(planSeeding(ownOnly, runExport)).toEqual({
      seed: false,
      reason: 'no fallback cache to seed from',
    });
  });

  it('tries the next fallback only when one had nothing to seed from', () => {
    const none = (refusal: 'source-absent' | 'not-a-cache' | 'mount-refused' | 'source-corrupt') =>
      ({ status: 'none', refusal, message: '', blobs: 0, bytes: 0 }) as const;
    expect(triesNextFallback(none('source-absent'))).toBe(true);
    expect(triesNextFallback(none('not-a-cache'))).toBe(true);
    expect(triesNextFallback(none('mount-refused'))).toBe(false);
    expect(triesNextFallback(none('source-corrupt'))).toBe(false);
    expect(triesNextFallback({ status: 'mounted', digest: 'sha256:x', blobs: 1, bytes: 1, mounts: 1 })).toBe(
      false,
    );
  });

  it('promotes a seed only while the own ref is absent and no newer run writes it', () => {
    expect(decideSeedPromotion({ ownExists: false, me: newer, superseded: false, holder: older })).toEqual({
      promote: true,
    });
    expect(decideSeedPromotion({ ownExists: true, me: newer, superseded: false, holder: null })).toEqual({
      promote: false,
      reason: 'the own cache ref appeared meanwhile',
    });
    expect(
      decideSeedPromotion({ ownExists: false, me: older, superseded: false, holder: newer }).promote,
    ).toBe(false);
    expect(decideSeedPromotion({ ownExists: false, me: newer, superseded: true, holder: null }).promote).toBe(
      false,
    );
  });
});

describe('seeding a new environment before its build (real registry)', () => {
  it('path strategy: the own :cache is main’s, mounted before the engine runs; the next run finds it', async () => {
    const { plan, mainRef, ownRef } = await webPlan(paths, 'pr-1');
    const mainDigest = await pushCache(paths.client(), mainRef, new Date());

    const first = await build(plan, paths);

    expect(first.ownAtBuild).toEqual([mainDigest]);
    expect(first.report.services[0]).toMatchObject({
      status: 'built',
      seeding: { status: 'mounted', from: mainRef, blobs: 2 },
    });
    expect(first.report.services[0]!.seeding!.bytes).toBeGreaterThan(0);
    expect(first.events.filter((e) => e.event.type === 'seeded')).toHaveLength(1);
    // Only the own :cache remains: the seed's run tag is gone, main's ref is untouched.
    const own = split(ownRef);
    expect(await paths.client().listTags(own.repository)).toEqual(['cache']);
    expect(await paths.port().imageDigest(mainRef)).toBe(mainDigest);

    const second = await build(plan, paths);
    expect(second.report.services[0]!.seeding).toEqual({
      status: 'none',
      reason: 'the own cache ref exists',
      from: null,
      blobs: 0,
      bytes: 0,
    });
    expect(second.events.filter((e) => e.event.type === 'seeded')).toEqual([]);
  });

  it('asks whether the own ref exists beside the lease claim, not after it; the answer is the same', async () => {
    const { plan, mainRef, ownRef } = await webPlan(paths, 'pr-early');
    const mainDigest = await pushCache(paths.client(), mainRef, new Date());
    const port = paths.port();
    const calls: string[] = [];
    const registry = {
      ...port,
      imageDigest: async (ref: string, options?: { signal?: AbortSignal }) => {
        if (ref !== ownRef) return port.imageDigest(ref, options);
        calls.push('own ref asked');
        const digest = await port.imageDigest(ref, options);
        calls.push('own ref answered');
        return digest;
      },
      claimLease: async (...args: Parameters<typeof port.claimLease>) => {
        calls.push('claim started');
        const previous = await port.claimLease(...args);
        calls.push('claim done');
        return previous;
      },
    };

    const first = await build(plan, paths, registry);
    expect(first.report.services[0]).toMatchObject({ status: 'built', seeding: { status: 'mounted' } });
    expect(first.ownAtBuild).toEqual([mainDigest]);
    // At once: the claim starts before the own ref's answer is in, and the question before the claim ends.
    expect(calls.indexOf('claim started')).toBeLessThan(calls.indexOf('own ref answered'));
    expect(calls.indexOf('own ref asked')).toBeLessThan(calls.indexOf('claim done'));

    calls.length = 0;
    const second = await build(plan, paths, registry);
    expect(second.report.services[0]!.seeding).toMatchObject({
      status: 'none',
      reason: 'the own cache ref exists',
    });
    // Asked once, before the claim was done; the seeding did not ask again.
    expect(calls.filter((call) => call === 'own ref asked')).toHaveLength(1);
    expect(calls.indexOf('own ref asked')).toBeLessThan(calls.indexOf('claim done'));
  });

  it('tag strategy: the own tag names main’s manifest in the same repository', async () => {
    const { plan, mainRef, ownRef } = await webPlan(tags, 'pr-2');
    const mainDigest = await pushCache(tags.client(), mainRef, new Date());

    const { report, ownAtBuild } = await build(plan, tags);

    expect(ownAtBuild).toEqual([mainDigest]);
    expect(report.services[0]!.seeding).toMatchObject({ status: 'mounted', from: mainRef, blobs: 2 });
    expect(report.services[0]!.seeding!.reason).toContain('are in its repository');
    const { repository } = split(ownRef);
    expect((await tags.client().listTags(repository)).sort()).toEqual(
      [split(mainRef).tag, split(ownRef).tag].sort(),
    );
  });

  it('a blob missing behind the fallback: reported corrupt, deleted, and the build runs cold', async () => {
    const { plan, mainRef, ownRef } = await webPlan(paths, 'pr-3');
    await pushCache(paths.client(), mainRef, new Date());
    const main = split(mainRef);
    const index = (await paths.client().getManifest(main.repository, main.tag)).manifest;
    const lost = ('manifests' in index ? index.manifests : [])[0]!.digest;
    const deleted = await fetch(`http://${paths.registry().host}/v2/${main.repository}/blobs/${lost}`, {
      method: 'DELETE',
    });
    expect(deleted.status).toBe(202);

    const { report, events, ownAtBuild } = await build(plan, paths);

    expect(ownAtBuild).toEqual([null]);
    expect(report.services[0]).toMatchObject({
      status: 'built',
      corruptCacheRefs: [mainRef],
      healed: true,
      seeding: { status: 'none', from: mainRef },
    });
    expect(report.services[0]!.seeding!.reason).toContain(lost);
    expect(events.some((e) => e.event.type === 'healed')).toBe(true);
    expect(await paths.port().imageDigest(mainRef)).toBeNull();
    expect(await paths.port().imageDigest(ownRef)).toBeNull();
  });

  it('skips fallbacks with nothing to seed from, and never seeds from an image', async () => {
    const { plan, mainRef, ownRef } = await webPlan(paths, 'pr-4');
    await pushImage(paths.client(), [mainRef], 'an image, not a cache');

    const { report } = await build(plan, paths);

    expect(report.services[0]!.seeding).toEqual({
      status: 'none',
      reason: 'no fallback cache exists',
      from: null,
      blobs: 0,
      bytes: 0,
    });
    expect(await paths.port().imageDigest(ownRef)).toBeNull();
  });

  it('does not promote the seed once a newer run holds the lease; the run tag goes either way', async () => {
    const { web, mainRef, ownRef } = await webPlan(paths, 'pr-5');
    await pushCache(paths.client(), mainRef, new Date());
    const port = paths.port();
    await port.claimLease(web.cache.lease!.ref, newer);
    const runExport = runScopedExport(web.cache, older)!;
    const warnings: string[] = [];

    const outcome = await seedOwnCache({
      registry: port,
      cache: web.cache,
      runExport,
      leaseRef: web.cache.lease!.ref,
      me: older,
      superseded: () => false,
      warn: (message) => warnings.push(message),
    });

    expect(outcome.seeding).toMatchObject({
      status: 'none',
      reason: 'run run-b started later and writes this cache',
      from: mainRef,
    });
    expect(await port.imageDigest(ownRef)).toBeNull();
    expect(await port.imageDigest(runExport.runRef.ref)).toBeNull();
    expect(warnings).toEqual([]);
  });
});
