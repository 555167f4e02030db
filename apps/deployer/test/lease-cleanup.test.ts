import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { LeaseHolder, ResolvedStrategy } from '@deployer/contracts';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { createRegistryPort, type RegistryPortAdapter } from '@deployer/registry-cache';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { validUuid } from './support/build-uuids.js';

// A `deployer build` killed before releasing its leases leaves them in the registry. `down` removes the
// environment's, `cache gc` those of runs that are gone, and never a live run's.
let registry: LocalRegistry;
let port: RegistryPortAdapter;
let dir: string;
let specFile: string;

const hour = 3_600_000;
const killed = (): LeaseHolder => ({
  runId: 'run-killed',
  startedAt: new Date(Date.now() - 3 * hour),
  host: 'ci-7',
});
const live = (): LeaseHolder => ({ runId: 'run-live', startedAt: new Date(), host: 'ci-8' });

/** The lease cache-ref plans for web's cache in one environment, under one strategy. */
function leaseRef(buildUuid: string, strategy: ResolvedStrategy): string {
  return planCache({
    config: parseCacheConfig({ registry: registry.host, strategy }),
    repository: 'shop/cache',
    service: 'web',
    buildUuid: validUuid(buildUuid),
  }).lease!.ref;
}

beforeAll(async () => {
  registry = await startLocalRegistry();
  port = createRegistryPort({ clientOptions: { credentials: 'anonymous' } });
  dir = await mkdtemp(join(tmpdir(), 'deployer-lease-cleanup-'));
  await mkdir(join(dir, 'web'));
  await writeFile(join(dir, 'web', 'Dockerfile'), 'FROM scratch\n');
  specFile = join(dir, 'env.yaml');
  await writeFile(
    specFile,
    `registry: { host: ${registry.host}, repository: shop, insecure: true }\nfallbacks: [main]\nservices:\n  web: { context: web }\n`,
  );
});
afterAll(async () => {
  await registry?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("a killed run's lease tags", () => {
  it('down removes the environment’s, dry run first', async () => {
    const refs = [leaseRef('pr-1', 'path'), leaseRef('pr-1', 'tag')];
    for (const ref of refs) await port.claimLease(ref, killed());

    const dry = await runCli(['down', '-f', specFile, '--uuid', 'pr-1', '--dry-run']);
    expect(dry.stderr).toBe('');
    expect(dry.exitCode).toBe(0);
    for (const ref of refs) {
      expect(dry.stdout).toMatch(
        new RegExp(`lease +web +would delete: lease of run run-killed on ci-7.* ${ref}`),
      );
      expect((await port.leaseHolder(ref))?.runId).toBe('run-killed');
    }

    const done = await runCli(['down', '-f', specFile, '--uuid', 'pr-1', '--json']);
    expect(done.exitCode).toBe(0);
    const actions = (
      JSON.parse(done.stdout) as { actions: { kind: string; ref: string; deleted: boolean }[] }
    ).actions;
    expect(actions.filter((action) => action.kind === 'lease')).toEqual([
      expect.objectContaining({ ref: refs[0], deleted: true }),
      expect.objectContaining({ ref: refs[1], deleted: true }),
    ]);
    for (const ref of refs) expect(await port.leaseHolder(ref)).toBeNull();
  });

  it('cache gc removes those of runs that are gone, keeps a live run’s and the fallback’s', async () => {
    const gone = [leaseRef('pr-2', 'path'), leaseRef('pr-2', 'tag')];
    const building = leaseRef('pr-3', 'path');
    const main = leaseRef('main', 'tag');
    for (const ref of [...gone, main]) await port.claimLease(ref, killed());
    await port.claimLease(building, live());

    const dry = await runCli(['cache', 'gc', '-f', specFile, '--older-than', '14d', '--dry-run']);
    expect(dry.exitCode).toBe(0);
    for (const ref of gone)
      expect(dry.stdout).toContain(`would remove lease ${ref}: lease of run run-killed`);
    expect(dry.stdout).not.toContain(building);
    expect(dry.stdout).not.toContain(main);

    const done = await runCli(['cache', 'gc', '-f', specFile, '--older-than', '14d', '--json']);
    expect(done.exitCode).toBe(0);
    const leases = (
      JSON.parse(done.stdout) as { leases: { ref: string; action: string; deleted: boolean }[] }
    ).leases;
    expect(Object.fromEntries(leases.map((lease) => [lease.ref, [lease.action, lease.deleted]]))).toEqual({
      [gone[0]!]: ['delete', true],
      [gone[1]!]: ['delete', true],
      [building]: ['keep', false],
      [main]: ['keep', false],
    });
    for (const ref of gone) expect(await port.leaseHolder(ref)).toBeNull();
    expect((await port.leaseHolder(building))?.runId).toBe('run-live');
    expect((await port.leaseHolder(main))?.runId).toBe('run-killed');
  });
});
