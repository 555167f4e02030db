import { createHash, randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { BuildEvent, EngineBuildRequest } from '@deployer/contracts';
import { findFreePort, type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listProcesses, liveGroupMembers, waitFor } from '../../process/test/helpers/processes.js';
import { createBuildahEngine } from '../src/engine/create-engine.js';
import { BuildahError } from '../src/failures/errors.js';
import { type SeededImage, seedBusyboxBaseImage } from '../src/index.js';
import { testBuildUuid, testBuildUuids } from './helpers/build-uuids.js';
import { inspectDigest, listTags } from './helpers/registry-tools.js';
import { fixturesDir } from './helpers/transcript.js';

let registry: LocalRegistry;
let base: SeededImage;
let scratch: string;
const engine = createBuildahEngine({ registryRetryDelayMs: 100, retry: { attempts: 2, baseDelayMs: 50 } });

beforeAll(async () => {
  registry = await startLocalRegistry();
  base = await seedBusyboxBaseImage({ registry: registry.host });
  scratch = await mkdtemp(join(tmpdir(), 'buildah-runner-test-'));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function request(
  context: string,
  buildUuid: string | null,
  options: Partial<EngineBuildRequest> & { fallbacks?: string[] } = {},
): EngineBuildRequest & { events: BuildEvent[] } {
  const { fallbacks, ...rest } = options;
  const events: BuildEvent[] = [];
  const cache = planCache({
    config: parseCacheConfig({ registry: registry.host, repository: 'cache/shop', insecure: true }),
    service: 'web',
    buildUuid: testBuildUuid(buildUuid),
    fallbacks: testBuildUuids(fallbacks ?? []),
    engine: 'buildah',
  });
  return {
    buildUuid: testBuildUuid(buildUuid),
    service: 'web',
    contextDir: join(fixturesDir, 'contexts', context),
    dockerfile: 'Dockerfile',
    buildArgs: { BASE_IMAGE: base.ref },
    images: [`${registry.host}/shop/web:${buildUuid ?? 'shared'}-${randomBytes(3).toString('hex')}`],
    cache,
    onEvent: (event) => events.push(event),
    ...rest,
    events,
  };
}

const ownRepository = (buildUuid: string) => `${registry.host}/cache/shop/web/${buildUuid}`;

describe('createBuildahEngine against a real registry', () => {
  it('seeds a busybox base image the registry serves', async () => {
    expect(base.ref).toBe(`${registry.host}/base/busybox:latest`);
    expect(await inspectDigest(base.ref)).toBe(base.digest);
  });

  it('builds cold, pushes every image name and returns the digest the registry serves', async () => {
    const build = request('ok', 'main');
    const second = `${registry.host}/shop/web:main-latest`;
    const result = await engine.build({ ...build, images: [...build.images, second] });

    expect(result.imageDigest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(await inspectDigest(build.images[0]!)).toBe(result.imageDigest);
    expect(await inspectDigest(second)).toBe(result.imageDigest);
    expect(result.steps).toEqual({ total: 4, cached: 0, shared: 0 });
    expect(result.cacheHitRatio).toBe(0);
    expect(result.stepTimings.map((timing) => timing.name)).toEqual([
      '[1/2] RUN echo "installing deps" && mkdir -p /deps && echo lib > /deps/lib.txt',
      '[2/2] COPY --from=deps /deps /deps',
      '[2/2] COPY . /app',
      '[2/2] RUN ls /app > /app/manifest.txt',
    ]);
    expect(result.missingCacheRefs).toEqual([`${ownRepository('main')}:cache`]);
    expect(result.attempts).toBe(1);
    expect((await listTags(ownRepository('main')))?.length).toBeGreaterThan(0);
    const types = new Set(build.events.map((event) => event.type));
    expect(types).toEqual(new Set(['step-started', 'step-completed', 'log']));
  });

  it('rebuilds the same environment warm from its own cache, with fresh local storage', async () => {
    const build = request('ok', 'main');
    const result = await engine.build(build);
    expect(result.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(result.cacheHitRatio).toBe(1);
    expect(result.missingCacheRefs).toEqual([]);
    expect(build.events.filter((event) => event.type === 'step-cached')).toHaveLength(5);
  });

  it("warms a new environment from its fallback's cache, then keeps that cache in its own repository", async () => {
    const uuid = 'wandering-credit-924200';
    const first = request('ok', uuid, { fallbacks: ['main'] });
    const result = await engine.build(first);
    expect(result.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(result.missingCacheRefs).toEqual([`${ownRepository(uuid)}:cache`]);
    expect(await listTags(ownRepository(uuid))).toHaveLength(5);

    // Without the fallback, the environment's own cache alone now gives every hit.
    const again = await engine.build(request('ok', uuid));
    expect(again.steps).toEqual({ total: 4, cached: 4, shared: 0 });
  });

  it('builds environments in parallel, each writing only its own cache and reading the fallback untouched', async () => {
    const fallbackTags = await listTags(ownRepository('main'));
    const uuids = ['para-one', 'para-two', 'para-three'];
    const results = await Promise.all(
      uuids.map((uuid) => engine.build(request('ok', uuid, { fallbacks: ['main'] }))),
    );
    expect(results.map((result) => result.steps.cached)).toEqual([4, 4, 4]);
    expect(await listTags(ownRepository('main'))).toEqual(fallbackTags);
    for (const uuid of uuids) expect(await listTags(ownRepository(uuid))).toHaveLength(5);
  });

  it('builds a new environment without fallback cold', async () => {
    const result = await engine.build(request('ok', 'quiet-river-118877'));
    expect(result.steps).toEqual({ total: 4, cached: 0, shared: 0 });
  });

  it('fails a failing RUN as a user error naming the step, with its log tail, pushing nothing', async () => {
    const build = request('runfail', 'runfail-env');
    const error = await engine.build(build).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BuildahError);
    expect(error).toMatchObject({
      code: 'RUN_FAILED',
      kind: 'user',
      step: 'RUN echo "about to fail" && echo "missing-module: not found" >&2 && exit 3',
      buildUuid: 'runfail-env',
      service: 'web',
    });
    expect((error as BuildahError).logTail).toEqual(
      expect.arrayContaining(['about to fail', 'missing-module: not found']),
    );
    expect(build.events.at(-1)).toMatchObject({ type: 'step-errored' });
    expect((await listTags(`${registry.host}/shop/web`)) ?? []).not.toContain(
      build.images[0]!.split(':').at(-1),
    );
  });

  it('reports a build whose buildah is killed by SIGKILL as failed, leaving no process and no tag', async () => {
    const marker = `59.${randomBytes(2).readUInt16BE()}`;
    const build = request('sleep', 'killed-env', {
      buildArgs: { BASE_IMAGE: base.ref, SLEEP_SECONDS: marker },
    });
    const tag = build.images[0]!;
    const running = engine.build(build).catch((caught: unknown) => caught);
    const sleeper = await waitFor(() =>
      listProcesses().find((p) => p.argv[0] === 'sleep' && p.argv[1] === marker),
    );
    const buildah = listProcesses().find((p) => p.pid === sleeper.pgid);
    expect(buildah?.argv).toContain(`--tag=${tag}`);
    process.kill(sleeper.pgid, 'SIGKILL');

    const error = await running;
    expect(error).toMatchObject({
      code: 'KILLED',
      kind: 'internal',
      message: 'buildah was killed by SIGKILL',
    });
    expect((error as BuildahError).step).toMatch(/^RUN echo "started"/);
    expect(liveGroupMembers(sleeper.pgid)).toEqual([]);
    expect((await listTags(`${registry.host}/shop/web`)) ?? []).not.toContain(tag.split(':').at(-1));
  });

  it('cancels on abort, stopping the whole process group', async () => {
    const marker = `58.${randomBytes(2).readUInt16BE()}`;
    const controller = new AbortController();
    const build = request('sleep', 'aborted-env', {
      buildArgs: { BASE_IMAGE: base.ref, SLEEP_SECONDS: marker },
      signal: controller.signal,
    });
    const running = engine.build(build).catch((caught: unknown) => caught);
    const sleeper = await waitFor(() =>
      listProcesses().find((p) => p.argv[0] === 'sleep' && p.argv[1] === marker),
    );
    controller.abort();
    expect(await running).toMatchObject({ code: 'CANCELLED', kind: 'cancelled' });
    expect(liveGroupMembers(sleeper.pgid)).toEqual([]);
  });

  it('stops a build that runs out of time', async () => {
    const build = request('sleep', 'slow-env', { timeoutMs: 4_000 });
    const startedAt = Date.now();
    expect(await engine.build(build).catch((caught: unknown) => caught)).toMatchObject({
      code: 'TIMED_OUT',
      kind: 'cancelled',
    });
    expect(Date.now() - startedAt).toBeLessThan(20_000);
  });

  it('passes secrets from the environment and from files without their values in argv or events', async () => {
    const token = `tok-${randomBytes(8).toString('hex')}`;
    const key = `key-${randomBytes(8).toString('hex')}`;
    const keyFile = join(scratch, 'key');
    await writeFile(keyFile, key, { mode: 0o600 });
    // A wrapper that records buildah's argv, then runs the real buildah.
    const argvLog = join(scratch, 'argv.log');
    const wrapper = join(scratch, 'buildah-recording');
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" >> "${argvLog}"\nexec buildah "$@"\n`);
    await chmod(wrapper, 0o755);
    const recordingEngine = createBuildahEngine({
      buildahPath: wrapper,
      env: { ...process.env, DEPLOY_TOKEN: token },
    });
    const build = request('secret', 'secret-env', {
      secrets: [
        { id: 'token', env: 'DEPLOY_TOKEN' },
        { id: 'key', file: keyFile },
      ],
    });
    await recordingEngine.build(build);

    const sha = (text: string) => createHash('sha256').update(text).digest('hex');
    const lines = build.events.flatMap((event) => (event.type === 'log' ? [event.line] : []));
    expect(lines).toContain(`${sha(token)}  /run/secrets/token`);
    expect(lines).toContain(`${sha(key)}  /run/secrets/key`);
    const argv = await readFile(argvLog, 'utf8');
    expect(argv).toContain('--secret=id=token,env=DEPLOY_TOKEN');
    expect(argv).not.toContain(token);
    expect(argv).not.toContain(key);
    expect(JSON.stringify(build.events)).not.toContain(token);
  });

  /** An engine whose buildah only records that it was started: a refusal must come before any run. */
  async function recordingEngine(env: Record<string, string | undefined>) {
    const startedLog = join(scratch, `started-${randomBytes(4).toString('hex')}.log`);
    const wrapper = join(scratch, `buildah-never-${randomBytes(4).toString('hex')}`);
    await writeFile(wrapper, `#!/bin/sh\nprintf '%s\\n' "$@" >> "${startedLog}"\nexit 1\n`);
    await chmod(wrapper, 0o755);
    const started = () => readFile(startedLog, 'utf8').catch(() => '');
    return { engine: createBuildahEngine({ buildahPath: wrapper, storageDriver: 'vfs', env }), started };
  }

  it('refuses an unset secret variable and an unreadable secret file before buildah runs, never printing a value', async () => {
    const token = `tok-${randomBytes(8).toString('hex')}`;
    const { engine: refusing, started } = await recordingEngine({ DEPLOY_TOKEN: token });
    const unset = await refusing
      .build(
        request('secret', 'secret-unset', {
          secrets: [
            { id: 'token', env: 'DEPLOY_TOKEN' },
            { id: 'npm', env: 'DEPLOYER_TEST_UNSET_VAR' },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(unset).toBeInstanceOf(BuildahError);
    expect(unset).toMatchObject({
      code: 'SECRET_NOT_FOUND',
      kind: 'user',
      buildUuid: 'secret-unset',
      message: expect.stringContaining(
        'environment variable DEPLOYER_TEST_UNSET_VAR (secret npm) is not set',
      ),
    });
    expect((unset as Error).message).not.toContain(token);

    const missingFile = join(scratch, 'no-such-key');
    const unreadable = await refusing
      .build(
        request('secret', 'secret-unreadable', {
          secrets: [
            { id: 'token', env: 'DEPLOY_TOKEN' },
            { id: 'key', file: missingFile },
          ],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(unreadable).toMatchObject({
      code: 'SECRET_NOT_FOUND',
      message: expect.stringContaining(`file ${missingFile} (secret key) is not readable`),
    });
    expect((unreadable as Error).message).not.toContain(token);
    expect(await started()).toBe('');
  });

  it('refuses a cache plan made for BuildKit (whatever its strategy) before buildah runs', async () => {
    const { engine: refusing, started } = await recordingEngine({});
    for (const strategy of ['path', 'tag'] as const) {
      const cache = planCache({
        config: parseCacheConfig({
          registry: registry.host,
          repository: 'cache/shop',
          insecure: true,
          strategy,
        }),
        service: 'web',
        buildUuid: testBuildUuid('buildkit-plan'),
        engine: 'buildkit',
      });
      const error = await refusing
        .build(request('ok', 'buildkit-plan', { cache }))
        .catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(BuildahError);
      expect(error).toMatchObject({
        code: 'UNSUPPORTED_REQUEST',
        kind: 'user',
        message: expect.stringContaining('plan the cache for engine "buildah"'),
      });
    }
    expect(await started()).toBe('');
  });

  it('fails a push to an unreachable registry after retrying, naming the ref and what was pushed', async () => {
    const port = await findFreePort();
    const unreachable = `127.0.0.1:${port}/shop/web:nowhere`;
    const build = request('ok', 'main', { insecureRegistries: [`127.0.0.1:${port}`] });
    const pushed = build.images[0]!;
    const error = await engine
      .build({ ...build, images: [pushed, unreachable] })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'PUSH_FAILED',
      kind: 'transient',
      ref: unreachable,
      pushedRefs: [pushed],
      // The report's attempts: the push ran twice (the engine's retry policy), not 0.
      attempts: 2,
    });
    expect(build.events.filter((event) => event.type === 'retry')).toHaveLength(1);
  });

  it('names buildah when it is not installed', async () => {
    const missing = createBuildahEngine({ buildahPath: join(scratch, 'no-buildah-here') });
    await expect(missing.build(request('ok', 'main'))).rejects.toMatchObject({
      code: 'BUILDAH_NOT_FOUND',
      kind: 'internal',
      message: expect.stringContaining('apt-get install buildah'),
    });
  });
});
