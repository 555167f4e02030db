import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@deployer/registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// A new environment's own cache ref seeded from its fallback's inside the registry, then a real BuildKit
// build that imports it. Needs BUILDKIT_HOST (a dedicated daemon: this suite prunes it) and
// DEPLOYER_TEST_REGISTRY (host:port, plain HTTP, deletes enabled).
const registry = process.env.DEPLOYER_TEST_REGISTRY;
const buildkitHost = process.env.BUILDKIT_HOST;
const skipReason = !buildkitHost
  ? 'BUILDKIT_HOST is not set'
  : !registry
    ? 'DEPLOYER_TEST_REGISTRY is not set'
    : undefined;
if (skipReason) console.log(`skipping the BuildKit cache seeding end-to-end suite: ${skipReason}`);

interface Report {
  ok: boolean;
  services: Array<{
    service: string;
    status: string;
    steps: { total: number; cached: number; shared: number };
    seeding?: { status: string; reason: string; from: string | null; blobs: number; bytes: number };
  }>;
}

describe.skipIf(skipReason !== undefined)('seeding a new environment’s cache with BuildKit', () => {
  const run = randomBytes(3).toString('hex');
  const repository = `seed-${run}`;
  const main = `main-${run}`;
  const fresh = `fresh-${run}`;
  const env = {
    DEPLOYER_REGISTRY: registry!,
    DEPLOYER_INSECURE_REGISTRIES: registry!,
    DEPLOYER_ENGINE: 'buildkit',
    BUILDKIT_HOST: buildkitHost!,
  };
  let scratch: string;
  let spec: string;

  async function build(args: string[]): Promise<Report> {
    const result = await runCli(['build', '-f', spec, '--force', '--json', ...args], { env });
    expect(result.exitCode, result.stdout + result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Report;
  }

  /** Empties the daemon's local cache, so every cache hit of the next build comes from the registry. */
  const prune = () => execa('buildctl', ['--addr', buildkitHost!, 'prune', '--all']);

  beforeAll(async () => {
    // FROM scratch and COPY only: no base image to pull, every step a layer in the registry cache.
    scratch = await mkdtemp(join(tmpdir(), 'deployer-seed-e2e-'));
    await mkdir(join(scratch, 'app'));
    const files = ['a', 'b', 'c'];
    for (const [index, name] of files.entries()) {
      await writeFile(join(scratch, 'app', name), randomBytes((index + 1) * 256 * 1024));
    }
    await writeFile(
      join(scratch, 'app', 'Dockerfile'),
      `FROM scratch\n${files.map((name) => `COPY ${name} /${name}`).join('\n')}\n`,
    );
    spec = join(scratch, 'env.yaml');
    await writeFile(
      spec,
      `registry: { host: ${registry}, repository: ${repository}, insecure: true }\nservices:\n  app: { context: app }\n`,
    );
  });

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('mounts main’s cache into the new environment’s own ref; every step comes from it', async () => {
    const cold = await build(['--uuid', main, '--no-fallbacks']);
    expect(cold.services[0]).toMatchObject({ status: 'built', seeding: { status: 'none', from: null } });
    const client = new RegistryClient({ host: registry!, insecure: true });
    const mainCache = await client.getManifest(`${repository}/cache/app/${main}`, 'cache');
    expect(await client.headManifest(`${repository}/cache/app/${fresh}`, 'cache')).toBeUndefined();
    await prune();

    const report = await build(['--uuid', fresh, '--fallback', main]);

    const app = report.services[0]!;
    expect(app.status).toBe('built');
    expect(app.seeding).toMatchObject({
      status: 'mounted',
      from: `${registry}/${repository}/cache/app/${main}:cache`,
    });
    const blobs = 'manifests' in mainCache.manifest ? mainCache.manifest.manifests : [];
    expect(app.seeding!.blobs).toBe(blobs.length);
    expect(app.seeding!.bytes).toBe(blobs.reduce((sum, blob) => sum + blob.size, 0));
    expect(app.steps.total).toBe(3);
    expect(app.steps.cached).toBe(app.steps.total);
    // The own :cache exists afterwards (the build's export, promoted) with every blob in its repository.
    const own = await client.getManifest(`${repository}/cache/app/${fresh}`, 'cache');
    for (const blob of 'manifests' in own.manifest ? own.manifest.manifests : []) {
      expect(await client.headBlob(`${repository}/cache/app/${fresh}`, blob.digest)).toBe(blob.size);
    }
    expect(await client.listTags(`${repository}/cache/app/${fresh}`)).toEqual(['cache']);
    // The fallback was only read.
    expect((await client.getManifest(`${repository}/cache/app/${main}`, 'cache')).digest).toBe(
      mainCache.digest,
    );
  }, 300_000);
});
