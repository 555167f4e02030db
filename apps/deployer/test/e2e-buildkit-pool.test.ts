import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuildkitPool, type PoolEvent } from '@deployer/buildkit-pool';
import {
  type BuildReport,
  buildEnvironment,
  insecureRegistries,
  loadEnvironment,
  planEnvironment,
} from '@deployer/deploy';
import { createRegistryPort } from '@deployer/registry-cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { validUuid } from './support/build-uuids.js';
import {
  poolDaemons,
  seedBaseImage,
  servicesTwoPerDaemon,
  startDaemon,
  stopDaemon,
  testRegistry,
  writePoolSpec,
} from './support/pool-fixture.js';

// A pool of three real BuildKit daemons besides BUILDKIT_HOST's: `eval "$(.ci/test-services start DIR 4)"`.
const skipReason =
  poolDaemons.length < 3
    ? 'DEPLOYER_TEST_BUILDKIT_HOSTS does not list 3 BuildKit daemons besides BUILDKIT_HOST'
    : !testRegistry
      ? 'DEPLOYER_TEST_REGISTRY is not set'
      : undefined;
if (skipReason) console.log(`skipping the BuildKit pool end-to-end suite: ${skipReason}`);

describe.skipIf(skipReason !== undefined)('a pool of three BuildKit daemons', () => {
  const run = randomBytes(3).toString('hex');
  const cliEnv = { DEPLOYER_INSECURE_REGISTRIES: testRegistry, DEPLOYER_ENGINE: 'buildkit' };
  let dir: string;
  let base: string;
  let services: string[];

  /** One environment through the pool, the way `deployer build --force` runs it, with the pool's events. */
  async function buildThroughPool(spec: string, buildUuid: string, onPoolEvent: (event: PoolEvent) => void) {
    const environment = await loadEnvironment(spec);
    const registry = createRegistryPort({ insecureRegistries: insecureRegistries(environment) });
    const plan = await planEnvironment(environment, {
      buildUuid: validUuid(buildUuid),
      force: true,
      fallbacks: [],
      registry,
    });
    const engine = createBuildkitPool({ daemons: poolDaemons, buildsPerDaemon: 2, onEvent: onPoolEvent });
    return buildEnvironment(plan, { engine, registry, concurrency: 6, env: process.env });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deployer-pool-e2e-'));
    base = await seedBaseImage(dir, run, async (args) => {
      const result = await runCli(args, { env: { ...cliEnv, BUILDKIT_HOST: poolDaemons[0] as string } });
      return result.exitCode ?? 1;
    });
    services = await servicesTwoPerDaemon(dir, base, run);
  }, 300_000);

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('builds each service on the same daemon in every environment, within each daemon’s limit, from its local cache', async () => {
    const spec = await writePoolSpec(dir, base, services, `affine-${run}`);
    const reports: BuildReport[] = [];
    const peak = new Map<string, number>();
    const running = new Map<string, number>();
    for (const environment of ['one', 'two', 'three']) {
      const report = await buildThroughPool(spec, `pool-${environment}-${run}`, (event) => {
        // Counted from the events alone (a throw here would fail the build, so only record).
        if (event.type === 'build-started') {
          const now = (running.get(event.daemon) ?? 0) + 1;
          running.set(event.daemon, now);
          peak.set(event.daemon, Math.max(peak.get(event.daemon) ?? 0, now, event.running));
        }
        if (event.type === 'build-finished') running.set(event.daemon, (running.get(event.daemon) ?? 0) - 1);
      });
      expect(report.ok, JSON.stringify(report.services.map((s) => [s.service, s.status, s.reason]))).toBe(
        true,
      );
      reports.push(report);
    }
    // Never more than two builds at once on a daemon, and each daemon ran two at once at some point.
    expect([...peak.keys()].sort()).toEqual([...poolDaemons].sort());
    for (const count of peak.values()) expect(count).toBe(2);
    const [first, ...later] = reports as [BuildReport, ...BuildReport[]];
    for (const result of first.services) {
      expect(result.daemonsTried).toEqual([result.daemon]);
      for (const report of later) {
        const same = report.services.find((other) => other.service === result.service);
        expect(same?.daemon, result.service).toBe(result.daemon);
        // No fallback and a new environment: nothing to import (its own ref is a miss), so every
        // cached step came from the daemon's local cache, left there by the first environment.
        expect(same?.missingCacheRefs.length).toBe(1);
        expect(same?.steps.cached, result.service).toBe(same?.steps.total);
        expect(same?.steps.total).toBe(3);
      }
      expect(result.steps.cached).toBe(0);
    }
  }, 600_000);

  it('moves the builds of a daemon stopped mid-run to another daemon, and the run succeeds', async () => {
    const spec = await writePoolSpec(dir, base, services, `failover-${run}`);
    let victim: string | undefined;
    let stopping: Promise<void> | undefined;
    try {
      const report = await buildThroughPool(spec, `pool-failover-${run}`, (event) => {
        if (event.type === 'build-started' && victim === undefined) {
          victim = event.daemon;
          // The first RUN sleeps 3 s: stop the daemon while its builds are inside it.
          stopping = new Promise((resolve) => setTimeout(resolve, 1_500)).then(() =>
            stopDaemon(event.daemon),
          );
        }
      });
      await stopping;
      expect(report.ok, JSON.stringify(report.services.map((s) => [s.service, s.status, s.reason]))).toBe(
        true,
      );
      const moved = report.services.filter((result) => result.daemonsTried?.[0] === victim);
      expect(moved.length).toBeGreaterThan(0);
      for (const result of moved) {
        expect(result.daemonsTried).toHaveLength(2);
        expect(result.daemon).not.toBe(victim);
        expect(result.daemonsTried?.[1]).toBe(result.daemon);
      }
    } finally {
      await stopping?.catch(() => {});
      if (victim !== undefined) await startDaemon(victim);
    }
  }, 600_000);

  it('skips a listed daemon that never started, with a warning, and exits 1 with one error when none answers', async () => {
    const spec = await writePoolSpec(dir, base, services.slice(0, 2), `missing-${run}`);
    const never = `unix://${join(dir, 'never-started', 'buildkitd.sock')}`;
    const skipped = await runCli(
      ['build', '-f', spec, '--uuid', `pool-missing-${run}`, '--force', '--no-fallbacks', '--json'],
      { env: { ...cliEnv, DEPLOYER_BUILDKIT_HOSTS: [never, ...poolDaemons].join(',') } },
    );
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    expect(skipped.stderr).toContain(`warning: BuildKit daemon ${never} does not answer`);
    const report = JSON.parse(skipped.stdout) as BuildReport;
    for (const result of report.services) {
      expect(poolDaemons).toContain(result.daemon);
      expect(result.daemonsTried).toEqual([result.daemon]);
    }

    const alsoNever = `unix://${join(dir, 'also-never', 'buildkitd.sock')}`;
    const none = await runCli(
      [
        'build',
        '-f',
        spec,
        '--uuid',
        `pool-none-${run}`,
        '--force',
        '--buildkit-host',
        never,
        '--buildkit-host',
        alsoNever,
      ],
      { env: cliEnv },
    );
    expect(none.exitCode).toBe(1);
    expect(none.stderr).toMatch(/no BuildKit daemon of the pool answers; tried .*never-started.*also-never/);
    expect(none.stdout).not.toMatch(/building/);
  }, 600_000);
});
