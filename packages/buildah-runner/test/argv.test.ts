import { chmod, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { EngineBuildRequest } from '@deployer/contracts';
import { findFreePort, type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBuildahEngine } from '../src/engine/create-engine.js';
import { type SeededImage, seedBusyboxBaseImage } from '../src/index.js';
import { testBuildUuid, testBuildUuids } from './helpers/build-uuids.js';
import { fixturesDir } from './helpers/transcript.js';

// `argv` is what `deployer plan` shows: the very `buildah build` argv a build then runs, its one
// --cache-from chosen by asking the same real registry the same way.
let registry: LocalRegistry;
let base: SeededImage;
let scratch: string;

beforeAll(async () => {
  registry = await startLocalRegistry();
  base = await seedBusyboxBaseImage({ registry: registry.host });
  scratch = await mkdtemp(join(tmpdir(), 'buildah-runner-argv-'));
}, 120_000);

afterAll(async () => {
  await registry?.stop();
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

function request(host: string, buildUuid: string, fallbacks: string[]): EngineBuildRequest {
  return {
    buildUuid: testBuildUuid(buildUuid),
    service: 'web',
    contextDir: join(fixturesDir, 'contexts', 'ok'),
    dockerfile: 'Dockerfile',
    buildArgs: { BASE_IMAGE: base.ref },
    secrets: [{ id: 'token', env: 'DEPLOY_TOKEN' }],
    images: [`${host}/shop/web:${buildUuid}`],
    cache: planCache({
      config: parseCacheConfig({ registry: host, repository: 'cache/shop', insecure: true }),
      service: 'web',
      buildUuid: testBuildUuid(buildUuid),
      fallbacks: testBuildUuids(fallbacks),
      engine: 'buildah',
    }),
  };
}

/** A buildah that records each argv (NUL-separated, one file per run) before running the real one. */
async function recordingBuildah(): Promise<{ path: string; buildArgv: () => Promise<string[]> }> {
  const dir = await mkdtemp(join(scratch, 'record-'));
  const path = join(dir, 'buildah');
  await writeFile(path, `#!/bin/sh\nprintf '%s\\0' "$@" > "${dir}/run-$$"\nexec buildah "$@"\n`);
  await chmod(path, 0o755);
  const buildArgv = async () => {
    const runs = (await readdir(dir)).filter((name) => name.startsWith('run-'));
    const argvs = await Promise.all(
      runs.map(async (name) => (await readFile(join(dir, name), 'utf8')).split('\0').slice(0, -1)),
    );
    const builds = argvs.filter((argv) => argv.includes('build'));
    expect(builds).toHaveLength(1);
    const buildDir = new RegExp(`${tmpdir()}/deployer-buildah-[^/]+`, 'g');
    return builds[0]!.map((arg) => arg.replace(buildDir, '<temp>'));
  };
  return { path, buildArgv };
}

describe('createBuildahEngine().argv', () => {
  it('equals the argv the build runs, with the one --cache-from the build chooses', async () => {
    const env = { ...process.env, DEPLOY_TOKEN: 'token-value-never-in-argv' };
    // main's cache exists; the new environment's own does not: both plan and build pick main's.
    await createBuildahEngine({ env }).build(request(registry.host, 'main', []));
    const recording = await recordingBuildah();
    const engine = createBuildahEngine({ buildahPath: recording.path, env });
    const newEnvironment = request(registry.host, 'argv-env', ['main']);

    const planned = await engine.argv(newEnvironment);
    await engine.build(newEnvironment);

    expect(planned.unresolved).toEqual([]);
    expect(planned.argv[0]).toBe(recording.path);
    expect(planned.argv.slice(1)).toEqual(await recording.buildArgv());
    const cacheFrom = planned.argv.filter((arg) => arg.startsWith('--cache-from='));
    expect(cacheFrom).toEqual([`--cache-from=${registry.host}/cache/shop/web/main`]);
    expect(planned.argv).toContain('--secret=id=token,env=DEPLOY_TOKEN');
    expect(planned.argv).toContain('--iidfile=<temp>/iid');
    expect(planned.argv.join(' ')).not.toContain('token-value-never-in-argv');
  }, 180_000);

  it('leaves --cache-from open, naming the candidates in order, when the registry does not answer', async () => {
    const closed = `127.0.0.1:${await findFreePort()}`;
    const planned = await createBuildahEngine().argv(request(closed, 'argv-env', ['main']));

    expect(planned.argv).toContain('--cache-from=<unresolved>');
    expect(planned.argv).toContain(`--cache-to=${closed}/cache/shop/web/argv-env`);
    expect(planned.unresolved).toEqual([
      {
        flag: '--cache-from',
        candidates: [`${closed}/cache/shop/web/argv-env`, `${closed}/cache/shop/web/main`],
        reason: expect.stringContaining(`${closed}/cache/shop/web/argv-env`),
      },
    ]);
  }, 60_000);
});
