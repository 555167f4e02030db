import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { EngineBuildRequest } from '@deployer/contracts';
import { afterAll, describe, expect, it } from 'vitest';
import { createBuildkitEngine } from '../src/index.js';
import { testBuildUuid, testBuildUuids } from './build-uuids.js';
import { type E2eEnvironment, e2eEnvironment, nonceContext, seedBaseImage } from './e2e-support.js';

/*
 * A registry cache exported by one daemon, imported by another: the step counts of a pool's build that
 * lands on a daemon other than the one that built the fallback. Two daemons of
 * DEPLOYER_TEST_BUILDKIT_HOSTS other than BUILDKIT_HOST (which e2e.test.ts prunes while it runs), as
 * `.ci/test-services start DIR 4` starts them.
 */
const environment = e2eEnvironment();
const daemons = (process.env.DEPLOYER_TEST_BUILDKIT_HOSTS ?? '')
  .split(',')
  .filter((host) => host !== '' && host !== process.env.BUILDKIT_HOST);
const skipReason =
  typeof environment === 'string'
    ? environment
    : daemons.length < 2
      ? 'set DEPLOYER_TEST_BUILDKIT_HOSTS to list two BuildKit daemons besides BUILDKIT_HOST'
      : undefined;
if (skipReason !== undefined) console.log(`buildkit-runner cross-daemon e2e suite skipped: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('BuildKit registry cache across daemons', () => {
  const env = environment as E2eEnvironment;
  const [exporter = '', importer = ''] = daemons;
  // One namespace per run, and a nonce in the context: neither daemon has these steps in its local cache.
  const run = `e2e-x-${randomBytes(4).toString('hex')}`;
  const cacheRepository = `${run}/cache`;
  const cacheRef = (uuid: string) => `${env.registry}/${cacheRepository}/web/${uuid}:cache`;
  let contextDir = '';

  const onDaemon = (address: string): E2eEnvironment => ({
    ...env,
    address,
    globalArgs: ['--addr', address],
  });
  const engineOn = (address: string) =>
    createBuildkitEngine({ address, buildctlPath: env.buildctl, retry: { attempts: 1 } });
  const request = (buildUuid: string, fallbacks: string[]): EngineBuildRequest => ({
    buildUuid: testBuildUuid(buildUuid),
    service: 'web',
    contextDir,
    dockerfile: 'Dockerfile',
    images: [`${env.registry}/${run}/web:${buildUuid}`],
    insecureRegistries: [env.registry],
    cache: planCache({
      config: parseCacheConfig({ registry: env.registry, insecure: true }),
      repository: cacheRepository,
      service: 'web',
      buildUuid: testBuildUuid(buildUuid),
      fallbacks: testBuildUuids(fallbacks),
    }),
  });

  afterAll(async () => {
    if (contextDir !== '') await rm(contextDir, { recursive: true, force: true });
  });

  it('a fully cached build on another daemon counts every step cached, none shared', async () => {
    const base = `${env.registry}/${run}/base:busybox`;
    await seedBaseImage(onDaemon(exporter), base);
    contextDir = await nonceContext(base, run);

    const cold = await engineOn(exporter).build(request('main', []));
    expect(cold.steps).toEqual({ total: 2, cached: 0, shared: 0 });

    // The importer never ran these steps: they can only come from main's ref in the registry.
    const warm = await engineOn(importer).build(request('wandering-credit-924200', ['main']));
    expect(warm.steps).toEqual({ total: 2, cached: 2, shared: 0 });
    expect(warm.cacheHitRatio).toBe(1);
    expect(warm.stepTimings.map(({ cached, shared }) => ({ cached, shared }))).toEqual([
      { cached: true, shared: false },
      { cached: true, shared: false },
    ]);
    expect(warm.missingCacheRefs).toEqual([cacheRef('wandering-credit-924200')]);
    // Same steps, same layers: the image the importer pushed is the exporter's, byte for byte.
    expect(warm.imageDigest).toBe(cold.imageDigest);
  }, 300_000);
});
