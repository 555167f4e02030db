import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { buildkitSkipReason, seedBusyboxThroughBuildkit } from './support/buildkit-daemon.js';

// `deployer build` of examples/shop through a real BuildKit daemon. Needs BUILDKIT_HOST (a daemon that may
// pull from the test registry over plain HTTP) and DEPLOYER_TEST_REGISTRY (host:port, deletes enabled).
const shop = resolve(import.meta.dirname, '../../../examples/shop/env.yaml');
const registry = process.env.DEPLOYER_TEST_REGISTRY;
const skipReason = buildkitSkipReason('the deployer BuildKit end-to-end suite');

interface Report {
  ok: boolean;
  services: Array<{
    service: string;
    status: string;
    reason?: string;
    steps: { total: number; cached: number; shared: number };
    attempts: number;
  }>;
}

describe.skipIf(skipReason !== undefined)('deployer build with BuildKit', () => {
  const run = randomBytes(3).toString('hex');
  const first = `bk-first-${run}`;
  const second = `bk-second-${run}`;
  const env = {
    DEPLOYER_REGISTRY: registry!,
    DEPLOYER_INSECURE_REGISTRIES: registry!,
    DEPLOYER_ENGINE: 'buildkit',
    BUILDKIT_HOST: process.env.BUILDKIT_HOST!,
  };
  let scratch: string;
  /** Steps per service of a lone build (the cold build of `first`). */
  const loneSteps = new Map<string, number>();

  async function build(args: string[]): Promise<Report> {
    const result = await runCli(['build', '-f', shop, '--force', '--json', ...args], { env });
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Report;
  }

  beforeAll(async () => {
    // The base image the services build FROM, made by deployer itself from the host's static busybox.
    scratch = await seedBusyboxThroughBuildkit(registry!, env, run);
  }, 300_000);

  afterAll(async () => {
    if (scratch) await rm(scratch, { recursive: true, force: true });
  });

  it('warms the second new environment from the first', async () => {
    const cold = await build(['--uuid', first, '--no-fallbacks']);
    expect(cold.ok).toBe(true);
    for (const service of cold.services) {
      expect(service.steps.total, service.service).toBeGreaterThan(0);
      loneSteps.set(service.service, service.steps.total);
    }
    const warm = await build(['--uuid', second, '--fallback', first]);
    expect(warm.ok).toBe(true);
    for (const service of warm.services) expect(service.steps.cached, service.service).toBeGreaterThan(0);
    const cached = warm.services.reduce((sum, service) => sum + service.steps.cached, 0);
    const total = warm.services.reduce((sum, service) => sum + service.steps.total, 0);
    expect(cached / total).toBeGreaterThanOrEqual(0.75);
  }, 600_000);

  it('builds 8 environments at once, each with its real step counts and its own cache refs', async () => {
    const uuids = Array.from({ length: 8 }, (_, index) => `bk-parallel-${index + 1}-${run}`);
    // Eight `deployer build` processes at once on one daemon: BuildKit's solver runs each identical step
    // once, and the builds that did not run it report it shared; every step still counts in the total.
    const results = await Promise.all(
      uuids.map((uuid) =>
        runCli(['build', '-f', shop, '--force', '--json', '--uuid', uuid, '--fallback', first], { env }),
      ),
    );
    const client = new RegistryClient({ host: registry!, insecure: true });
    for (const [index, result] of results.entries()) {
      expect(result.exitCode, result.stdout + result.stderr).toBe(0);
      const report = JSON.parse(result.stdout) as Report;
      expect(report.ok).toBe(true);
      expect(report.services.map((service) => service.service).sort()).toEqual([...loneSteps.keys()].sort());
      for (const service of report.services) {
        const label = `${uuids[index]} ${service.service}: ${JSON.stringify(service.steps)}`;
        expect(service.status, label).toBe('built');
        expect(service.steps.total, label).toBe(loneSteps.get(service.service));
        // Warmed by the fallback: every step imported or taken from a build that imported it.
        expect(service.steps.cached + service.steps.shared, label).toBe(service.steps.total);
        expect(
          await client.headManifest(`shop/cache/${service.service}/${uuids[index]}`, 'cache'),
          label,
        ).toBeDefined();
      }
    }
  }, 600_000);

  it('a daemon that cannot be reached is retried, and the report counts the attempts', async () => {
    const unreachable = { ...env, BUILDKIT_HOST: `unix://${join(scratch, 'no-daemon.sock')}` };
    // Two environments: two runs of one environment at once would supersede each other.
    const args = (uuid: string) => ['build', '-f', shop, '--force', '--uuid', uuid, '--service', 'web'];
    const [plain, json] = await Promise.all([
      runCli(args(`bk-unreachable-${run}`), { env: unreachable }),
      runCli([...args(`bk-unreachable-json-${run}`), '--json'], { env: unreachable }),
    ]);
    expect(plain.exitCode).toBe(1);
    expect(plain.stdout.split('\n').filter((line) => / web: retry \d/.test(line))).toEqual([
      expect.stringContaining('retry 2: BuildKit daemon unreachable'),
      expect.stringContaining('retry 3: BuildKit daemon unreachable'),
    ]);
    expect(json.exitCode).toBe(1);
    const report = JSON.parse(json.stdout) as Report;
    expect(report.services).toEqual([
      expect.objectContaining({ service: 'web', status: 'failed', attempts: 3 }),
    ]);
  }, 120_000);

  it("down removes the second environment's cache refs and image tags, and not the first's", async () => {
    const client = new RegistryClient({ host: registry!, insecure: true });
    const result = await runCli(['down', '-f', shop, '--uuid', second, '--json'], { env });
    expect(result.exitCode).toBe(0);
    for (const service of ['base', 'api', 'worker', 'web']) {
      expect(await client.headManifest(`shop/cache/${service}/${second}`, 'cache')).toBeUndefined();
      expect(await client.headManifest(`shop/${service}`, second)).toBeUndefined();
      expect(await client.headManifest(`shop/cache/${service}/${first}`, 'cache')).toBeDefined();
      expect(await client.headManifest(`shop/${service}`, first)).toBeDefined();
    }
  }, 120_000);
});
