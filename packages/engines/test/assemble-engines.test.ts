import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { EngineBuildRequest } from '@deployer/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assembleEngines, EngineSettingsError } from '../src/index.js';
import { testBuildUuid } from './build-uuids.js';

// One assembly for every entry point: each setting, from a flag or the environment, is checked once and
// reaches the engine it is for. Told apart by the command line the engine composes (nothing is built).
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-assembly-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const request: () => EngineBuildRequest = () => ({
  buildUuid: testBuildUuid('quiet-river-123456'),
  service: 'web',
  contextDir: dir,
  dockerfile: 'Dockerfile',
  images: ['127.0.0.1:1/shop/web:quiet-river-123456'],
  cache: planCache({
    config: parseCacheConfig({ registry: '127.0.0.1:1', repository: 'c', strategy: 'path', insecure: true }),
    service: 'web',
    buildUuid: testBuildUuid('quiet-river-123456'),
    engine: 'buildkit',
  }),
});

async function refused(settings: Parameters<typeof assembleEngines>[0]): Promise<EngineSettingsError> {
  const error = await assembleEngines(settings).catch((caught: unknown) => caught);
  expect(error).toBeInstanceOf(EngineSettingsError);
  expect((error as EngineSettingsError).kind).toBe('input');
  return error as EngineSettingsError;
}

describe('assembleEngines', () => {
  it('makes auto BuildKit when daemons are named by flag alone, and builds on them', async () => {
    const hosts = ['unix:///run/d1.sock', 'unix:///run/d2.sock', 'unix:///run/d3.sock'];
    const engines = await assembleEngines({ buildkitHosts: hosts, env: { PATH: '/nonexistent' } });
    const selection = await engines.select('auto');
    expect(selection).toEqual({ engine: 'buildkit', reason: `--buildkit-host is ${hosts.join(', ')}` });
    const { engine } = await engines.engine(selection.engine);
    expect('prepare' in engine).toBe(true); // a pool of the three
    const argv = (await engine.argv(request())).argv.join(' ');
    expect(hosts.some((host) => argv.includes(`--addr ${host}`))).toBe(true);
  });

  it('takes the flags over the environment, and the environment when there is no flag', async () => {
    const env = { DEPLOYER_BUILDKIT_HOSTS: 'tcp://127.0.0.1:1231,tcp://127.0.0.1:1232', BUILDKIT_HOST: 'x' };
    expect((await assembleEngines({ buildkitHosts: ['unix:///run/flag.sock'], env })).daemons).toEqual({
      source: '--buildkit-host',
      hosts: ['unix:///run/flag.sock'],
    });
    expect((await assembleEngines({ env })).daemons?.source).toBe('DEPLOYER_BUILDKIT_HOSTS');
    const single = await assembleEngines({ env: { BUILDKIT_HOST: 'tcp://127.0.0.1:1234' } });
    const argv = (await (await single.engine('buildkit')).engine.argv(request())).argv.join(' ');
    expect(argv).toContain('--addr tcp://127.0.0.1:1234');
  });

  it('creates an engine once and shares it', async () => {
    const engines = await assembleEngines({ env: { BUILDKIT_HOST: 'unix:///run/one.sock' } });
    const [first, second] = await Promise.all([engines.engine('buildkit'), engines.engine('buildkit')]);
    expect(first.engine).toBe(second.engine);
    expect(first.cacheFlavour).toBe('buildkit');
  });

  it('gives tcp:// daemons the TLS folder and server name from the environment', async () => {
    for (const file of ['ca.pem', 'cert.pem', 'key.pem']) await writeFile(join(dir, file), 'x');
    const engines = await assembleEngines({
      buildkitHosts: ['tcp://127.0.0.1:1234'],
      env: { DEPLOYER_BUILDKIT_TLS_DIR: dir, DEPLOYER_BUILDKIT_TLS_SERVER_NAME: 'buildkitd' },
    });
    const argv = (await (await engines.engine('buildkit')).engine.argv(request())).argv.join(' ');
    expect(argv).toContain(`--tlsdir ${dir}`);
    expect(argv).toContain('--tlsservername buildkitd');
  });

  it.each([
    [{ buildkitHosts: ['garbage'], env: {} }, '--buildkit-host', /--buildkit-host "garbage": expected/],
    [{ env: { DEPLOYER_BUILDKIT_HOSTS: 'tcp://a:1,b' } }, 'DEPLOYER_BUILDKIT_HOSTS', /"b": expected/],
    [{ env: { BUILDKIT_HOST: 'tcp://a' } }, 'BUILDKIT_HOST', /tcp:\/\/ needs host:port/],
    [{ buildahStorageDriver: 'zfs', env: {} }, '--buildah-storage-driver', /must be one of overlay, vfs/],
    [
      { env: { DEPLOYER_BUILDAH_STORAGE_DRIVER: 'btrfs' } },
      'DEPLOYER_BUILDAH_STORAGE_DRIVER',
      /overlay, vfs/,
    ],
    [
      { env: { DEPLOYER_BUILDKIT_TLS_DIR: '/nonexistent/tls' } },
      'DEPLOYER_BUILDKIT_TLS_DIR',
      /ca\.pem is missing/,
    ],
  ])('refuses %j naming %s', async (settings, source, message) => {
    const error = await refused(settings);
    expect(error.source).toBe(source);
    expect(error.message).toMatch(message);
  });
});
