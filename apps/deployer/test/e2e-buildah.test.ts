import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { RegistryClient } from '@deployer/registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, runCli } from './run-cli.js';
import { processesMatching, waitFor } from './support/processes.js';
import { writeSlowEnvironment } from './support/slow-environment.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// Real builds: buildah (Debian) against a real docker-registry, through the built `deployer` binary.
const shop = resolve(import.meta.dirname, '../../../examples/shop/env.yaml');
const missing = missingBuildTools();
if (missing.length > 0)
  console.log(`skipping the buildah end-to-end suite: not installed: ${missing.join(', ')}`);

interface Report {
  ok: boolean;
  buildUuid: string;
  services: Array<{
    service: string;
    status: string;
    image: string;
    reason?: string;
    steps: { total: number; cached: number };
  }>;
}

describe.skipIf(missing.length > 0)('deployer with buildah and a real registry', () => {
  let stack: Stack;
  let client: RegistryClient;

  async function deployer(args: string[]) {
    const result = await runCli(args, { env: await stack.env() });
    return result;
  }

  async function build(args: string[]): Promise<Report> {
    const result = await deployer(['build', '-f', shop, '--force', '--json', ...args]);
    expect(result.stderr).toBe('');
    return JSON.parse(result.stdout) as Report;
  }

  /** Every repository's tags: what a test compares before and after deleting. */
  async function snapshot(): Promise<Map<string, string[]>> {
    const tags = new Map<string, string[]>();
    for (const repository of await client.listCatalog()) {
      tags.set(repository, (await client.listTags(repository).catch(() => [])).sort());
    }
    return tags;
  }

  beforeAll(async () => {
    stack = await startStack();
    client = new RegistryClient({ host: stack.registry.host, insecure: true, credentials: 'anonymous' });
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
  });

  it("warms a new environment's first build from its fallback", async () => {
    const cold = await build(['--uuid', 'main', '--no-fallbacks']);
    expect(cold.ok).toBe(true);
    expect(cold.services.map((service) => service.steps.cached)).toEqual([0, 0, 0, 0]);

    // Fresh local storage: every hit comes from main's refs in the registry.
    const warm = await build(['--uuid', 'wandering-credit-924200', '--fallback', 'main']);
    expect(warm.ok).toBe(true);
    for (const service of warm.services) expect(service.steps.cached, service.service).toBeGreaterThan(0);
    const cached = warm.services.reduce((sum, service) => sum + service.steps.cached, 0);
    const total = warm.services.reduce((sum, service) => sum + service.steps.total, 0);
    expect(cached / total).toBeGreaterThanOrEqual(0.75);
  }, 180_000);

  it('builds 8 environments in parallel, each writing only its own cache ref', async () => {
    const uuids = Array.from({ length: 8 }, (_, index) => `parallel-env-${index + 1}`);
    const plans = await Promise.all(
      uuids.map(async (uuid) => {
        const result = await deployer(['plan', '-f', shop, '--uuid', uuid, '--service', 'web', '--json']);
        expect(result.exitCode).toBe(0);
        return JSON.parse(result.stdout) as {
          services: Array<{ cache: { export: { repository: string } } }>;
        };
      }),
    );
    const exports = plans.map((plan) => plan.services[0]!.cache.export.repository);
    expect(new Set(exports).size).toBe(8);

    const before = await snapshot();
    const reports = await Promise.all(uuids.map((uuid) => build(['--uuid', uuid, '--service', 'web'])));
    for (const report of reports) {
      expect(report.ok, JSON.stringify(report.services, null, 1)).toBe(true);
      expect(report.services[0]!.steps.cached).toBe(report.services[0]!.steps.total);
    }

    // Exactly the eight planned cache repositories appeared; nothing shared was written. Each build's
    // lease (its own `…/lease` repository) was released: no tag is left in it.
    const after = await snapshot();
    const appeared = [...after.keys()].filter((name) => name.startsWith('shop/cache/') && !before.has(name));
    const leases = appeared.filter((name) => name.endsWith('/lease'));
    const newCacheRepositories = appeared.filter((name) => !name.endsWith('/lease'));
    const planned = exports.map((ref) => ref.slice(ref.indexOf('/') + 1));
    expect(newCacheRepositories.sort()).toEqual(planned.sort());
    expect(leases.sort()).toEqual(planned.map((repository) => `${repository}/lease`).sort());
    for (const lease of leases) expect(after.get(lease), lease).toEqual([]);
    for (const repository of newCacheRepositories) expect(after.get(repository)!.length).toBeGreaterThan(0);
    for (const [repository, tags] of before) {
      if (repository.startsWith('shop/cache/')) expect(after.get(repository), repository).toEqual(tags);
    }
  }, 300_000);

  it("down removes exactly that environment's refs and tags", async () => {
    const before = await snapshot();
    const result = await deployer(['down', '-f', shop, '--uuid', 'parallel-env-1', '--json']);
    expect(result.exitCode).toBe(0);
    const after = await snapshot();

    expect(before.get('shop/cache/web/parallel-env-1')!.length).toBeGreaterThan(0);
    expect(after.get('shop/cache/web/parallel-env-1') ?? []).toEqual([]);
    expect(before.get('shop/web')).toContain('parallel-env-1');
    // Its environment tag and ownership tags go, and a content tag only with an image no other tag uses.
    const actions = (
      JSON.parse(result.stdout) as { actions: { kind: string; ref: string; deleted: boolean }[] }
    ).actions;
    const removed = actions
      .filter((action) => action.kind === 'image' && action.deleted)
      .map((action) => action.ref.split(':').at(-1)!);
    expect(removed).toContain('parallel-env-1');
    expect(removed.some((tag) => tag.startsWith('parallel-env-1.'))).toBe(true);
    for (const tag of removed)
      expect(tag).toMatch(/^(parallel-env-1|parallel-env-1\.[0-9a-f]{64}|[0-9a-f]{64})$/);
    expect(after.get('shop/web')).toEqual(before.get('shop/web')!.filter((tag) => !removed.includes(tag)));
    // No environment that stays lost a content tag it recorded.
    for (const tag of after.get('shop/web')!) {
      const content = /^[a-z0-9-]+\.([0-9a-f]{64})$/.exec(tag)?.[1];
      if (content !== undefined) expect(after.get('shop/web')).toContain(content);
    }
    for (const [repository, tags] of before) {
      if (repository === 'shop/cache/web/parallel-env-1' || repository === 'shop/web') continue;
      expect(after.get(repository) ?? [], repository).toEqual(tags);
    }
  }, 120_000);

  it('cache gc removes stale refs and never a fallback’s', async () => {
    await build(['--uuid', 'stale-env', '--service', 'web', '--no-fallbacks']);
    await new Promise((resolvePromise) => setTimeout(resolvePromise, 8_000));
    await build(['--uuid', 'fresh-env', '--service', 'web', '--no-fallbacks']);

    const result = await deployer(['cache', 'gc', '-f', shop, '--older-than', '6s', '--json']);
    expect(result.exitCode).toBe(0);
    const gc = JSON.parse(result.stdout) as {
      entries: Array<{ buildUuid: string; service: string; action: string }>;
    };
    const action = (uuid: string) =>
      gc.entries.find((entry) => entry.buildUuid === uuid && entry.service === 'web')?.action;
    expect(action('stale-env')).toBe('delete');
    expect(action('fresh-env')).toBe('keep');
    expect(action('main')).toBe('keep');

    const after = await snapshot();
    expect(after.get('shop/cache/web/stale-env') ?? []).toEqual([]);
    expect(after.get('shop/cache/web/fresh-env')!.length).toBeGreaterThan(0);
    expect(after.get('shop/cache/web/main')!.length).toBeGreaterThan(0);
  }, 180_000);

  it('reports a build whose buildah was killed as failed, leaving no process and no pushed tag', async () => {
    const { dir, spec } = await writeSlowEnvironment('killed', ['echo warming up', 'sleep 97']);
    try {
      const env = await stack.env();
      const running = execa('node', [binPath, 'build', '-f', spec, '--uuid', 'killed-env', '--json'], {
        env,
        reject: false,
      });
      const sleeper = await waitFor(async () =>
        (await processesMatching('97')).find((p) => p.argv.join(' ') === 'sleep 97'),
      );
      const buildahProcess = (await processesMatching(env.DEPLOYER_BUILDAH_ROOT!)).find((p) =>
        p.argv.includes('build'),
      );
      expect(buildahProcess, 'buildah build process').toBeDefined();
      process.kill(buildahProcess!.pid, 'SIGKILL');

      const result = await running;
      expect(result.exitCode).toBe(1);
      const report = JSON.parse(String(result.stdout)) as Report;
      expect(report.services[0]!.status).toBe('failed');
      expect(report.services[0]!.reason).toMatch(/SIGKILL|killed/i);

      await waitFor(
        async () => (await processesMatching(env.DEPLOYER_BUILDAH_ROOT!)).length === 0 || undefined,
      );
      await waitFor(
        async () => (await processesMatching('97')).every((p) => p.pid !== sleeper.pid) || undefined,
      );
      expect(await client.listTags('killed/slow').catch(() => [])).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
