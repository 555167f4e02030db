import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { engine, invocations, mainCache, rejection, request, state, useStateDir } from './engine-support.js';
import { fixtureDir, R } from './helpers.js';

useStateDir();

describe('createBuildkitEngine with buildctl', () => {
  it('turns a build into a typed result: digests, cached steps, missing refs', async () => {
    const build = request('wandering-credit-924200', ['main']);
    const result = await engine(['03-new-env-with-fallback']).build(build);
    expect(result).toMatchObject({
      imageDigest: 'sha256:737faf4351e8329f9d9d35d112a89ab365a9055ac1667d06dd38b1944d6fe6e0',
      cacheManifestDigest: 'sha256:aaa0a0d8afa8fdf39f143842124d8c339512abb6b242110ce07ec102e20827b4',
      steps: { total: 4, cached: 4, shared: 0 },
      cacheHitRatio: 1,
      missingCacheRefs: [`${R}/cache/shop/web/wandering-credit-924200:cache`],
      corruptCacheRefs: [],
      attempts: 1,
    });
    expect(result.stepTimings).toHaveLength(4);
    expect(build.events.filter((event) => event.type === 'step-cached')).toHaveLength(4);
    const [call] = invocations();
    expect(call?.argv.slice(0, 3)).toEqual(['--addr', 'unix:///run/buildkit/buildkitd.sock', 'build']);
  });

  it('streams progress while buildctl still runs', async () => {
    const gate = join(state, 'gate');
    const build = request('main', [], {
      onEvent: (event) => {
        // The recording waits for this file after 20 trace lines: only a streaming reader gets here.
        if (event.type === 'step-started' && !existsSync(gate)) writeFileSync(gate, '');
      },
    });
    const result = await engine(['01-cold-base-env'], {
      env: { REPLAY_GATE_FILE: gate, REPLAY_GATE_AFTER: '20' },
    }).build(build);
    expect(result.steps).toEqual({ total: 4, cached: 0, shared: 0 });
  });

  it('keeps secret values out of argv and hands credentials over as DOCKER_CONFIG', async () => {
    const secretValue = 'npm_Sup3rS3cretT0ken-4711';
    const secretFile = join(state, 'gcloud.json');
    writeFileSync(secretFile, '{"private_key":"also-secret"}');
    await engine(['02-warm-same-env'], {
      dockerConfigDir: '/etc/deployer/docker',
      env: { NPM_TOKEN: secretValue },
    }).build(
      request('main', [], {
        secrets: [
          { id: 'npm', env: 'NPM_TOKEN' },
          { id: 'gcloud', file: secretFile },
        ],
        buildArgs: { NODE_VERSION: '20' },
      }),
    );
    const [call] = invocations();
    for (const arg of call?.argv ?? ['(no call)']) {
      expect(arg).not.toContain(secretValue);
      expect(arg).not.toContain('also-secret');
    }
    expect(call?.argv).toContain('id=npm,env=NPM_TOKEN');
    expect(call?.argv).toContain(`id=gcloud,src=${secretFile}`);
    expect(call?.secretEnvSet).toEqual({ NPM_TOKEN: true });
    expect(call?.dockerConfig).toBe('/etc/deployer/docker');
  });

  it('refuses an env secret whose variable is unset, without running buildctl', async () => {
    const error = await rejection(
      engine(['02-warm-same-env']).build(
        request('main', [], { secrets: [{ id: 'npm', env: 'DEPLOYER_TEST_UNSET_VAR' }] }),
      ),
    );
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      buildUuid: 'main',
      service: 'web',
      message: expect.stringContaining(
        'environment variable DEPLOYER_TEST_UNSET_VAR (secret npm) is not set',
      ),
    });
    expect(invocations()).toEqual([]);
  });

  it("finds an env secret's variable in this process's environment as buildctl does", async () => {
    vi.stubEnv('DEPLOYER_TEST_PROCESS_SECRET', 'from-the-process');
    try {
      await engine(['02-warm-same-env']).build(
        request('main', [], { secrets: [{ id: 'npm', env: 'DEPLOYER_TEST_PROCESS_SECRET' }] }),
      );
    } finally {
      vi.unstubAllEnvs();
    }
    expect(invocations()[0]?.secretEnvSet).toEqual({ DEPLOYER_TEST_PROCESS_SECRET: true });
  });

  it('refuses a file secret whose file is not readable, naming it, without running buildctl or printing a value', async () => {
    const secretValue = 'npm_Sup3rS3cretT0ken-4711';
    const missingFile = join(state, 'no-such-credentials.json');
    const error = await rejection(
      engine(['02-warm-same-env'], { env: { NPM_TOKEN: secretValue } }).build(
        request('main', [], {
          secrets: [
            { id: 'npm', env: 'NPM_TOKEN' },
            { id: 'gcloud', file: missingFile },
          ],
        }),
      ),
    );
    expect(error).toMatchObject({
      code: 'INVALID_REQUEST',
      message: expect.stringContaining(`file ${missingFile} (secret gcloud) is not readable`),
    });
    expect(error.message).not.toContain(secretValue);
    expect(invocations()).toEqual([]);
  });

  it('retries an unreachable daemon with backoff and succeeds', async () => {
    const build = request('main', []);
    const result = await engine(['08-daemon-unreachable', '08-daemon-unreachable', '02-warm-same-env']).build(
      build,
    );
    expect(result.attempts).toBe(3);
    expect(result.steps.cached).toBe(4);
    const retries = build.events.filter((event) => event.type === 'retry');
    expect(retries).toEqual([
      {
        type: 'retry',
        attempt: 2,
        reason: expect.stringContaining('failed to list workers'),
        withoutImports: [],
      },
      {
        type: 'retry',
        attempt: 3,
        reason: expect.stringContaining('failed to list workers'),
        withoutImports: [],
      },
    ]);
  });

  it('gives up on a transient failure after the bounded attempts', async () => {
    const error = await rejection(engine(['08-daemon-unreachable']).build(request('main', [])));
    expect(error).toMatchObject({ code: 'DAEMON_UNREACHABLE', kind: 'transient', attempts: 3 });
    expect(invocations()).toHaveLength(3);
  });

  it('does not retry a failing RUN step', async () => {
    const error = await rejection(
      engine(['05-run-step-fails', '02-warm-same-env']).build(
        request('main', [], { contextDir: join(fixtureDir, 'contexts/runfail') }),
      ),
    );
    expect(error).toMatchObject({
      code: 'STEP_FAILED',
      kind: 'user',
      step: '[2/2] RUN echo "about to fail" && echo "missing-module: not found" >&2 && exit 3',
      logTail: ['about to fail', 'missing-module: not found'],
      attempts: 1,
      buildUuid: 'main',
    });
    expect(invocations()).toHaveLength(1);
  });

  it('heals a corrupt fallback: one retry without it, reported for deletion', async () => {
    const build = request('silent-lake-300001', ['main']);
    const result = await engine(['09-corrupt-fallback-cache', '10-retry-without-corrupt-cache']).build(build);
    expect(result).toMatchObject({
      imageDigest: 'sha256:9a0a72bf52c2b8e26bcd875acdefc9cba83f365f8d61ac4bd9732d5afd18534a',
      corruptCacheRefs: [mainCache],
      attempts: 2,
    });
    expect(build.events.filter((event) => event.type === 'retry')).toEqual([
      {
        type: 'retry',
        attempt: 2,
        reason: expect.stringContaining('could not fetch content descriptor'),
        withoutImports: [mainCache],
      },
    ]);
    const [first, second] = invocations();
    expect(first?.argv.some((arg) => arg.includes('main:cache'))).toBe(true);
    expect(second?.argv.some((arg) => arg.includes('main:cache'))).toBe(false);
    expect(second?.argv).toContain(
      `type=registry,ref=${R}/cache/shop/web/silent-lake-300001:cache,registry.insecure=true`,
    );
  });

  it('retries a corrupt cache only once and still names the corrupt ref when the retry fails', async () => {
    const error = await rejection(
      engine(['09-corrupt-fallback-cache', '05-run-step-fails']).build(
        request('silent-lake-300001', ['main']),
      ),
    );
    expect(error).toMatchObject({ code: 'STEP_FAILED', attempts: 2, corruptCacheRefs: [mainCache] });
    expect(invocations()).toHaveLength(2);
  });

  it('reports a missing buildctl binary', async () => {
    const error = await rejection(
      engine(['02-warm-same-env'], { buildctlPath: join(state, 'no-such-buildctl') }).build(
        request('main', []),
      ),
    );
    expect(error).toMatchObject({ code: 'SPAWN_FAILED', kind: 'internal' });
  });
});
