import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import {
  type BuiltinEngineName,
  type CacheFlavour,
  cacheFlavourOf,
  type EngineBuildRequest,
} from '@deployer/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isBuildkitPool } from '../src/create-engine.js';
import { testBuildUuid } from './build-uuids.js';

// The runner each engine name gets, told apart by the command line it composes (`argv` builds nothing).
let contextDir: string;
beforeAll(async () => {
  contextDir = await mkdtemp(join(tmpdir(), 'deployer-engines-'));
});
afterAll(async () => {
  await rm(contextDir, { recursive: true, force: true });
});

function request(flavour: CacheFlavour): EngineBuildRequest {
  // Port 1 refuses at once: buildah's argv then leaves its --cache-from open instead of asking further.
  const registry = '127.0.0.1:1';
  return {
    buildUuid: testBuildUuid('quiet-river-123456'),
    service: 'web',
    contextDir,
    dockerfile: 'Dockerfile',
    buildArgs: {},
    secrets: [],
    images: [`${registry}/shop/web:quiet-river-123456`],
    cache: planCache({
      config: parseCacheConfig({ registry, repository: 'cache/shop', strategy: 'path', insecure: true }),
      service: 'web',
      buildUuid: testBuildUuid('quiet-river-123456'),
      engine: flavour,
    }),
  };
}

const argvOf = async (name: BuiltinEngineName, wiring: Parameters<typeof createEngine>[1]) =>
  (await (await createEngine(name, wiring)).argv(request(cacheFlavourOf(name)))).argv;

describe('createEngine', () => {
  it('gives buildkit the buildctl runner at the wired address', async () => {
    const engine = await createEngine('buildkit', { buildkitHost: 'tcp://127.0.0.1:1234', env: {} });
    expect(engine.name).toBe('buildkit');
    const argv = await argvOf('buildkit', { buildkitHost: 'tcp://127.0.0.1:1234', env: {} });
    expect(argv[0]).toMatch(/buildctl$/);
    expect(argv.join(' ')).toContain('--addr tcp://127.0.0.1:1234');
  });

  it('gives buildx the BuildKit runner driving docker buildx', async () => {
    expect((await createEngine('buildx', { env: {} })).name).toBe('buildkit');
    const argv = await argvOf('buildx', { env: {} });
    expect(argv[0]).toMatch(/docker$/);
    expect(argv[1]).toBe('buildx');
  });

  it('gives buildah the buildah runner with the wired storage root', async () => {
    expect((await createEngine('buildah', { env: {} })).name).toBe('buildah');
    const argv = await argvOf('buildah', { buildahRoot: '/var/tmp/deployer-buildah', env: {} });
    expect(argv[0]).toMatch(/buildah$/);
    expect(argv).toContain('--root=/var/tmp/deployer-buildah/storage');
  });
});

describe('createEngine with several BuildKit daemons', () => {
  const daemons = ['tcp://127.0.0.1:1231', 'tcp://127.0.0.1:1232', 'tcp://127.0.0.1:1233'];

  it('routes through a pool: each service to its own daemon on the ring, the same every time', async () => {
    const engine = await createEngine('buildkit', { buildkitHosts: daemons, env: {} });
    expect('prepare' in engine).toBe(true);
    const argv = (await engine.argv(request('buildkit'))).argv.join(' ');
    const daemon = daemons.find((address) => argv.includes(`--addr ${address}`));
    expect(daemon).toBeDefined();
    const again = await createEngine('buildkit', { buildkitHosts: [...daemons].reverse(), env: {} });
    expect((await again.argv(request('buildkit'))).argv.join(' ')).toContain(`--addr ${daemon}`);
  });

  it('keeps one address (BUILDKIT_HOST alone) the one-daemon runner, and a dns:// name a pool', async () => {
    expect(isBuildkitPool(['unix:///run/buildkit/buildkitd.sock'])).toBe(false);
    expect(isBuildkitPool(undefined)).toBe(false);
    expect(isBuildkitPool(['dns://buildkitd.ci:1234'])).toBe(true);
    expect(isBuildkitPool(daemons)).toBe(true);
    const single = await createEngine('buildkit', { buildkitHosts: daemons.slice(0, 1), env: {} });
    expect('prepare' in single).toBe(false);
  });
});
