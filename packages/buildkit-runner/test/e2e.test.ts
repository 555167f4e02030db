import { randomBytes } from 'node:crypto';
import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { BuildEvent, EngineBuildRequest } from '@deployer/contracts';
import { startRegistryProxy } from '@deployer/local-registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { createBuildkitEngine } from '../src/index.js';
import { testBuildUuid, testBuildUuids } from './build-uuids.js';
import { e2eEnvironment, pruneDaemon, seedBaseImage, serviceContext, TestRegistry } from './e2e-support.js';

const environment = e2eEnvironment();
if (typeof environment === 'string') console.log(`buildkit-runner e2e suite skipped: ${environment}`);

describe.skipIf(typeof environment === 'string')('BuildKit end to end', () => {
  const env = environment as Exclude<typeof environment, string>;
  // One namespace per run: runs never see each other's images or caches.
  const run = `e2e-${randomBytes(4).toString('hex')}`;
  const cacheRepository = `${run}/cache`;
  const cacheRef = (uuid: string) => `${env.registry}/${cacheRepository}/web/${uuid}:cache`;
  const registry = new TestRegistry(env.registry);
  const engine = createBuildkitEngine({
    address: env.address,
    buildctlPath: env.buildctl,
    ...(env.tlsDir ? { tls: { dir: env.tlsDir } } : {}),
    retry: { attempts: 2, baseDelayMs: 500 },
  });
  let contextDir: string;

  beforeAll(async () => {
    const base = `${env.registry}/${run}/base:busybox`;
    await seedBaseImage(env, base);
    contextDir = await serviceContext(base);
  }, 300_000);

  function request(buildUuid: string, fallbacks: string[], imageRepository = `${run}/web`) {
    const events: BuildEvent[] = [];
    const build: EngineBuildRequest = {
      buildUuid: testBuildUuid(buildUuid),
      service: 'web',
      contextDir,
      dockerfile: 'Dockerfile',
      images: [`${env.registry}/${imageRepository}:${buildUuid}`],
      insecureRegistries: [env.registry],
      cache: planCache({
        config: parseCacheConfig({ registry: env.registry, insecure: true }),
        repository: cacheRepository,
        service: 'web',
        buildUuid: testBuildUuid(buildUuid),
        fallbacks: testBuildUuids(fallbacks),
      }),
      onEvent: (event) => events.push(event),
    };
    return { build, events };
  }

  it('cold build of main: nothing cached, its own ref a miss, cache exported', async () => {
    await pruneDaemon(env);
    const result = await engine.build(request('main', []).build);
    expect(result.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.cacheManifestDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(result.steps).toEqual({ total: 4, cached: 0, shared: 0 });
    expect(result.missingCacheRefs).toEqual([cacheRef('main')]);
    expect(await registry.exists(`${cacheRepository}/web/main`, 'cache')).toBe(true);
  }, 300_000);

  it('warm rebuild of main: all 4 steps cached from its own ref', async () => {
    await pruneDaemon(env);
    const result = await engine.build(request('main', []).build);
    expect(result.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(result.cacheHitRatio).toBe(1);
    expect(result.missingCacheRefs).toEqual([]);
  }, 300_000);

  it('new environment warmed by the main fallback: 4 of 4 cached', async () => {
    await pruneDaemon(env);
    const result = await engine.build(request('wandering-credit-924200', ['main']).build);
    expect(result.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(result.missingCacheRefs).toEqual([cacheRef('wandering-credit-924200')]);
    expect(await registry.exists(`${cacheRepository}/web/wandering-credit-924200`, 'cache')).toBe(true);
  }, 300_000);

  it('8 concurrent builds of one service for 8 build uuids each write their own ref', async () => {
    await pruneDaemon(env);
    const uuids = Array.from({ length: 8 }, (_, index) => `concurrent-${index}-${run.slice(4)}`);
    const results = await Promise.all(uuids.map((uuid) => engine.build(request(uuid, ['main']).build)));
    // BuildKit's solver runs each identical step once for all eight; the builds that did not import a step
    // took it from the one that did (shared). Every step came from main's cache one way or the other.
    for (const [index, result] of results.entries()) {
      expect(result.steps.total).toBe(4);
      expect(result.steps.cached + result.steps.shared, JSON.stringify(result.steps)).toBe(4);
      expect(result.cacheHitRatio).toBe(result.steps.cached === 0 ? 0 : 1);
      expect(result.missingCacheRefs).toEqual([cacheRef(uuids[index] ?? '')]);
      expect(result.cacheManifestDigest).toMatch(/^sha256:/);
    }
    for (const uuid of uuids)
      expect(await registry.exists(`${cacheRepository}/web/${uuid}`, 'cache')).toBe(true);
    for (const result of results) expect(result.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Each step was imported by at least one of them.
    const imported = results.flatMap((result) => result.stepTimings.filter((step) => step.cached));
    expect(new Set(imported.map((step) => step.name)).size).toBe(4);
  }, 600_000);

  it('a corrupted fallback is healed by one retry without it and reported', async () => {
    // Break main's cache: unlink the top layer (the last RUN) from the cache repository.
    const topLayer = (await registry.imageLayers(`${run}/web`, 'main')).at(-1);
    const cacheIndex = await registry.manifest(`${cacheRepository}/web/main`, 'cache');
    expect(cacheIndex.manifests?.map((blob) => blob.digest)).toContain(topLayer);
    await registry.deleteBlob(`${cacheRepository}/web/main`, topLayer ?? '');
    await pruneDaemon(env);

    // Pushed to a repository that does not hold the layer yet, so BuildKit must fetch it from the cache.
    const { build, events } = request('silent-lake-300001', ['main'], `${run}/web-healed`);
    const result = await engine.build(build);
    expect(result.corruptCacheRefs).toEqual([cacheRef('main')]);
    expect(result.attempts).toBe(2);
    expect(events.filter((event) => event.type === 'retry')).toEqual([
      expect.objectContaining({ attempt: 2, withoutImports: [cacheRef('main')] }),
    ]);
    expect(result.imageDigest).toMatch(/^sha256:/);
  }, 600_000);

  it('a registry answering 500 once to the base image read is retried, and the build succeeds', async () => {
    // What distribution's filesystem storage does when another environment pushes the same content tag
    // while this build reads it (the tag's link file is rewritten in place): one 500, then the tag again.
    const basePath = `/v2/${run}/base/manifests/busybox`;
    let injected = 0;
    const proxy = await startRegistryProxy(env.registry, ({ path }) => {
      if (injected > 0 || path !== basePath) return undefined;
      injected += 1;
      return { status: 500, body: '' };
    });
    try {
      const busyContext = await serviceContext(`${proxy.host}/${run}/base:busybox`);
      await pruneDaemon(env);
      const { build, events } = request('busy-registry-300002', []);
      const result = await engine.build({ ...build, contextDir: busyContext });
      expect(injected).toBe(1);
      expect(result.attempts).toBe(2);
      expect(events.filter((event) => event.type === 'retry')).toEqual([
        expect.objectContaining({ attempt: 2, reason: expect.stringContaining('500 Internal Server Error') }),
      ]);
      expect(result.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    } finally {
      await proxy.close();
    }
  }, 600_000);

  it('a manifest the registry refuses once (its blobs collected mid-push) is pushed again by a retry', async () => {
    // distribution answers 400 MANIFEST_BLOB_UNKNOWN when a garbage collection removed layers between
    // their upload and the manifest's PUT; a second run uploads them again.
    let refused = 0;
    const proxy = await startRegistryProxy(env.registry, ({ method, path }) => {
      if (refused > 0 || method !== 'PUT' || !path.includes('/web-refused/manifests/')) return undefined;
      refused += 1;
      return {
        status: 400,
        body: JSON.stringify({
          errors: [{ code: 'MANIFEST_BLOB_UNKNOWN', message: 'blob unknown to registry' }],
        }),
      };
    });
    try {
      await pruneDaemon(env);
      const { build, events } = request('refused-manifest-300003', []);
      const result = await engine.build({
        ...build,
        images: [`${proxy.host}/${run}/web-refused:x`],
        insecureRegistries: [env.registry, proxy.host],
      });
      expect(refused).toBe(1);
      expect(result.attempts).toBe(2);
      expect(events.filter((event) => event.type === 'retry')).toEqual([
        expect.objectContaining({ attempt: 2, reason: expect.stringContaining('400 Bad Request') }),
      ]);
    } finally {
      await proxy.close();
    }
  }, 600_000);
});
