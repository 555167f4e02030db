import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@deployer/local-registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

// `deployer plan` says whose caches a build imports, in order, and why each is there. Nothing here needs
// a registry: a plan prints everything with the registry unreachable.

let scratch: string;
let spec: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'deployer-import-order-'));
  await mkdir(join(scratch, 'app'));
  await writeFile(join(scratch, 'app', 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
  spec = join(scratch, 'env.yaml');
  await writeFile(
    spec,
    [
      'registry: { host: 127.0.0.1:5000, repository: plan, insecure: true }',
      'fallbacks: [main]',
      'services:',
      '  app: { context: app }',
      '',
    ].join('\n'),
  );
});

afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

async function plan(args: readonly string[]) {
  const host = `127.0.0.1:${await findFreePort()}`;
  const env = { DEPLOYER_REGISTRY: host, DEPLOYER_INSECURE_REGISTRIES: host, DEPLOYER_ENGINE: 'buildkit' };
  return runCli(['plan', '-f', spec, '--uuid', 'pr-7', ...args], { env });
}

describe('deployer plan shows the import order', () => {
  it('--fallback: own first, then each --fallback in order, with why (--json and text)', async () => {
    const json = await plan(['--fallback', 'release-1', '--fallback', 'main', '--json']);
    expect(json.exitCode, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { importOrder: unknown; fallbacks: string[] };
    expect(parsed.importOrder).toEqual([
      { buildUuid: 'pr-7', source: 'own', why: 'its own cache' },
      { buildUuid: 'release-1', source: 'fallback', why: '--fallback' },
      { buildUuid: 'main', source: 'fallback', why: '--fallback' },
    ]);
    expect(parsed.fallbacks).toEqual(['release-1', 'main']);

    const text = await plan(['--fallback', 'release-1', '--fallback', 'main']);
    expect(text.exitCode, text.stderr).toBe(0);
    expect(text.stdout).toContain(
      [
        'import order',
        '  1. pr-7  own: its own cache',
        '  2. release-1  fallback: --fallback',
        '  3. main  fallback: --fallback',
      ].join('\n'),
    );
  }, 60_000);

  it("the spec's fallbacks say so; --no-fallbacks leaves the own cache alone", async () => {
    const spec = JSON.parse((await plan(['--json'])).stdout) as { importOrder: unknown };
    expect(spec.importOrder).toEqual([
      { buildUuid: 'pr-7', source: 'own', why: 'its own cache' },
      { buildUuid: 'main', source: 'fallback', why: "the spec's fallbacks" },
    ]);
    const cold = JSON.parse((await plan(['--no-fallbacks', '--json'])).stdout) as { importOrder: unknown };
    expect(cold.importOrder).toEqual([{ buildUuid: 'pr-7', source: 'own', why: 'its own cache' }]);
  }, 60_000);
});
