import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type CacheFlavour,
  cacheFlavourOf,
  type EngineName,
  parseCacheConfig,
  planCache,
} from '@deployer/cache-ref';
import type { EngineBuildRequest } from '@deployer/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../src/create-engine.js';

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
    buildUuid: 'quiet-river-123456',
    service: 'web',
    contextDir,
    dockerfile: 'Dockerfile',
    buildArgs: {},
    secrets: [],
    images: [`${registry}/shop/web:quiet-river-123456`],
    cache: planCache({
      config: parseCacheConfig({ registry, repository: 'cache/shop', strategy: 'path', insecure: true }),
      service: 'web',
      buildUuid: 'quiet-river-123456',
      engine: flavour,
    }),
  };
}

const argvOf = async (name: EngineName, wiring: Parameters<typeof createEngine>[1]) =>
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
