import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RegistryClient } from '@deployer/registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, runCli } from './run-cli.js';
import { writeSlowEnvironment } from './support/slow-environment.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// buildah's storage (driver probe, the machine's persistent storage, sharing it), the own cache seeded by
// registry mounts, and the process ending with its report: real buildah, a real registry, the built CLI.
const missing = missingBuildTools();
if (missing.length > 0)
  console.log(`skipping the buildah storage suite: not installed: ${missing.join(', ')}`);

interface Report {
  ok: boolean;
  services: Array<{
    status: string;
    steps: { total: number; cached: number };
    seeding?: { status: string; reason: string };
  }>;
  buildahStorage?: { storageRoot: string; storageDriver: string; driverReason: string; root: string };
}

describe.skipIf(missing.length > 0)('buildah storage and exit with a real registry', () => {
  let stack: Stack;
  let scratch: string;
  let spec: string;
  let specDir: string;

  /** The stack's environment, but buildah's storage the machine default under a private XDG_CACHE_HOME. */
  async function machineEnv(cacheHome: string): Promise<Record<string, string>> {
    const { DEPLOYER_BUILDAH_ROOT: _fresh, ...env } = await stack.env();
    return { ...env, XDG_CACHE_HOME: cacheHome };
  }

  async function build(args: string[], env: Record<string, string>): Promise<Report> {
    const result = await runCli(['build', '-f', spec, '--json', ...args], { env });
    expect(result.exitCode, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as Report;
  }

  beforeAll(async () => {
    stack = await startStack();
    scratch = await mkdtemp(join(tmpdir(), 'deployer-buildah-storage-'));
    ({ spec, dir: specDir } = await writeSlowEnvironment('storage', [
      'echo one > /one',
      'head -c 2000000 /dev/urandom > /random',
      'echo three > /three',
    ]));
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (scratch) await rm(scratch, { recursive: true, force: true });
    if (specDir) await rm(specDir, { recursive: true, force: true });
  });

  it('exits at once after its final report line', async () => {
    const env = await stack.env();
    for (const args of [
      ['--uuid', 'exit-env', '--no-fallbacks'],
      ['--uuid', 'exit-env', '--force'],
    ]) {
      const child = execa('node', [binPath, 'build', '-f', spec, ...args], {
        env: { NO_COLOR: '1', ...env },
        reject: false,
        stdin: 'ignore',
      });
      let reportAt: number | undefined;
      child.stdout.on('data', (chunk: Buffer) => {
        // The report's last line: `environment <uuid> (run …): 1 built in 1.2s`.
        if (/^environment exit-env \(run .*\): /m.test(chunk.toString())) reportAt = performance.now();
      });
      const exited = new Promise<number>((resolve) => child.once('exit', () => resolve(performance.now())));
      const result = await child;
      const exitAt = await exited;
      expect(result.exitCode, result.stderr).toBe(0);
      expect(reportAt, result.stdout).toBeDefined();
      expect(exitAt - reportAt!).toBeLessThan(1_000);
    }
  }, 180_000);

  it('probes overlay once per machine, remembers it, and takes the flag or environment variable over it', async () => {
    const cacheHome = join(scratch, 'probe');
    const env = await machineEnv(cacheHome);
    const first = await build(['--uuid', 'probe-env', '--no-fallbacks'], env);
    const remembered = JSON.parse(
      await readFile(join(cacheHome, 'deployer', 'buildah', 'storage-driver.json'), 'utf8'),
    ) as { driver: string };
    // As root on ext4 (this machine, CI) overlay works; elsewhere the probe may answer vfs.
    expect(['overlay', 'vfs']).toContain(remembered.driver);
    expect(first.buildahStorage).toMatchObject({
      storageDriver: remembered.driver,
      storageRoot: join(cacheHome, 'deployer', 'buildah', remembered.driver),
      root: 'persistent',
    });
    const second = await build(['--uuid', 'probe-env', '--force'], env);
    expect(second.buildahStorage!.driverReason).toContain('probed once');

    const byFlag = await build(['--uuid', 'probe-env', '--force', '--buildah-storage-driver', 'vfs'], env);
    expect(byFlag.buildahStorage).toMatchObject({
      storageDriver: 'vfs',
      storageRoot: join(cacheHome, 'deployer', 'buildah', 'vfs'),
      driverReason: 'asked for by --buildah-storage-driver',
    });
    const plain = await runCli(['build', '-f', spec, '--uuid', 'probe-env', '--force'], {
      env: { ...env, DEPLOYER_BUILDAH_STORAGE_DRIVER: 'vfs' },
    });
    expect(plain.exitCode).toBe(0);
    expect(plain.stdout).toContain(`storage vfs ${join(cacheHome, 'deployer', 'buildah', 'vfs')}`);

    const bad = await runCli(['build', '-f', spec, '--uuid', 'probe-env'], {
      env: { ...env, DEPLOYER_BUILDAH_STORAGE_DRIVER: 'btrfs' },
    });
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('DEPLOYER_BUILDAH_STORAGE_DRIVER "btrfs"');
  }, 240_000);

  it("keeps the machine's storage warm: a new environment without fallbacks finds every step locally", async () => {
    const env = await machineEnv(join(scratch, 'warm'));
    const cold = await build(['--uuid', 'warm-a', '--no-fallbacks', '--force'], env);
    expect(cold.services[0]!.status).toBe('built');
    expect(cold.services[0]!.steps.cached).toBe(0);
    const warm = await build(['--uuid', 'warm-b', '--no-fallbacks', '--force'], env);
    expect(warm.services[0]!.status).toBe('built');
    expect(warm.services[0]!.steps.total).toBe(3);
    expect(warm.services[0]!.steps.cached).toBe(3);
    expect(existsSync(warm.buildahStorage!.storageRoot)).toBe(true);
  }, 180_000);

  it('builds concurrently into one shared storage, many times', async () => {
    const env = await machineEnv(join(scratch, 'shared'));
    for (let round = 0; round < 3; round += 1) {
      const reports = await Promise.all(
        [1, 2, 3].map((index) =>
          build(['--uuid', `shared-${round}-${index}`, '--no-fallbacks', '--force'], env),
        ),
      );
      for (const report of reports) expect(report.ok, JSON.stringify(report.services)).toBe(true);
    }
  }, 300_000);

  it("seeds a new environment's own cache from its fallback's by registry mounts", async () => {
    await build(['--uuid', 'seed-main', '--no-fallbacks', '--force'], await stack.env());
    const warmed = await build(
      ['--uuid', 'seed-pr', '--fallback', 'seed-main', '--force'],
      await stack.env(),
    );
    const service = warmed.services[0]!;
    expect(service.steps.cached).toBe(service.steps.total);
    expect(service.seeding?.status).toBe('mounted');
    expect(service.seeding?.reason).toContain('storage/cache/slow/seed-main');

    // The own repository holds the fallback's cache images byte for byte (same manifest digests).
    const client = new RegistryClient({
      host: stack.registry.host,
      insecure: true,
      credentials: 'anonymous',
    });
    const fallbackTags = await client.listTags('storage/cache/slow/seed-main');
    const ownTags = await client.listTags('storage/cache/slow/seed-pr');
    expect(ownTags.sort()).toEqual(fallbackTags.sort());
    for (const tag of fallbackTags) {
      const from = await client.headManifest('storage/cache/slow/seed-main', tag);
      const to = await client.headManifest('storage/cache/slow/seed-pr', tag);
      expect(to?.digest, tag).toBe(from?.digest);
    }
    const again = await build(['--uuid', 'seed-pr', '--fallback', 'seed-main', '--force'], await stack.env());
    expect(again.services[0]!.seeding).toEqual({
      status: 'none',
      reason: 'every cache image came from the own repository',
    });
  }, 240_000);
});
