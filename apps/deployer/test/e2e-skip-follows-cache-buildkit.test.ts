import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import {
  type OwnBuildkitDaemon,
  ownBuildkitSkipReason,
  startOwnBuildkitDaemon,
} from './support/own-buildkit-daemon.js';

// After a merge, main's build finds the pull request's image and skips it; its own cache ref then follows
// the pull request's cache, inside the registry. Proven by main's next build after the daemon's local
// cache is pruned (a daemon of this suite's own: the shared one's local cache is the other suites'):
// every step before the changed one comes from main's own registry cache.
const registry = process.env.DEPLOYER_TEST_REGISTRY;
const skipReason = ownBuildkitSkipReason('the BuildKit skip-follows-cache suite');

interface Report {
  ok: boolean;
  importOrder: Array<{ buildUuid: string; source: string; why: string }>;
  services: Array<{
    service: string;
    status: string;
    steps: { total: number; cached: number; shared: number };
    cacheRefresh?: { status: string; from: string | null; reason: string };
  }>;
}

describe.skipIf(skipReason !== undefined)('a skipped service’s cache follows the merge (BuildKit)', () => {
  const run = randomBytes(3).toString('hex');
  const repository = `follow-${run}`;
  const main = `main-${run}`;
  const pr = `pr-1-${run}`;
  let daemon: OwnBuildkitDaemon;
  let scratch: string;
  let spec: string;

  async function build(args: string[]): Promise<Report> {
    const env = {
      DEPLOYER_REGISTRY: registry!,
      DEPLOYER_INSECURE_REGISTRIES: registry!,
      DEPLOYER_ENGINE: 'buildkit',
      BUILDKIT_HOST: daemon.host,
    };
    const result = await runCli(['build', '-f', spec, '--json', ...args], { env });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Report;
  }

  const write = (name: string, content: string | Buffer) => writeFile(join(scratch, 'app', name), content);
  const cacheRepository = (uuid: string) => `${repository}/cache/app/${uuid}`;

  beforeAll(async () => {
    daemon = await startOwnBuildkitDaemon(registry!);
    // FROM scratch and COPY only: no base image to pull, every step a layer in the registry cache.
    scratch = await mkdtemp(join(tmpdir(), 'deployer-follow-e2e-'));
    await mkdir(join(scratch, 'app'));
    await write('a', randomBytes(256 * 1024));
    await write('b', randomBytes(256 * 1024));
    await write('marker', 'A\n');
    await write('last', 'first\n');
    await write('Dockerfile', 'FROM scratch\nCOPY a /a\nCOPY b /b\nCOPY marker /marker\nCOPY last /last\n');
    spec = join(scratch, 'env.yaml');
    await writeFile(
      spec,
      `registry: { host: ${registry}, repository: ${repository}, insecure: true }\nservices:\n  app: { context: app }\n`,
    );
  }, 240_000);

  afterAll(async () => {
    await daemon?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('main skips pr-1’s image, takes its cache, and its next build finds every earlier step in it', async () => {
    const client = new RegistryClient({ host: registry!, insecure: true });
    // main at A: its own cache holds A's marker.
    const before = await build(['--uuid', main, '--no-fallbacks']);
    expect(before.services[0]!.status).toBe('built');
    // pr-1 changes the marker (B), warmed from main.
    await write('marker', 'B\n');
    const pull = await build(['--uuid', pr, '--fallback', main]);
    expect(pull.services[0]!.status).toBe('built');
    const prCache = await client.getManifest(cacheRepository(pr), 'cache');

    // The merge: main at B finds pr-1's image and skips it; its own cache ref becomes pr-1's.
    const merged = await build(['--uuid', main, '--no-fallbacks']);
    expect(merged.importOrder).toEqual([{ buildUuid: main, source: 'own', why: 'its own cache' }]);
    const app = merged.services[0]!;
    expect(app.status).toBe('skipped');
    expect(app.cacheRefresh).toMatchObject({
      status: 'refreshed',
      from: `${registry}/${cacheRepository(pr)}:cache`,
    });
    expect((await client.getManifest(cacheRepository(main), 'cache')).digest).toBe(prCache.digest);
    expect(await client.listTags(cacheRepository(main))).toEqual(['cache']);

    // The next pull request's change, on main itself: only the last step differs from B. With the local
    // cache gone, the three steps before it can only come from main's own registry cache.
    await daemon.prune();
    await write('last', 'second\n');
    const next = await build(['--uuid', main, '--no-fallbacks']);
    expect(next.services[0]).toMatchObject({ status: 'built', steps: { total: 4, cached: 3 } });
  }, 300_000);
});
