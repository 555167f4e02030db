import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildUuid } from '@deployer/contracts';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { loadServerConfig, type RepositoryConfig, ServerConfigError } from '../src/index.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'server-config-test-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

let count = 0;
async function configFile(text: string): Promise<string> {
  count += 1;
  const file = join(dir, `server-${count}.yaml`);
  await writeFile(file, text);
  return file;
}

async function loadError(text: string): Promise<ServerConfigError> {
  const file = await configFile(text);
  const error = await loadServerConfig(file).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ServerConfigError);
  expect((error as ServerConfigError).file).toBe(file);
  expect((error as ServerConfigError).message.startsWith(`${file}: `)).toBe(true);
  return error as ServerConfigError;
}

describe('loadServerConfig', () => {
  it('reads the design example with every key', async () => {
    const file = await configFile(`
repositories:
  - name: acme/shop
    cloneUrl: file:///tmp/x/shop.git
    spec: deploy/env.yaml
    fallback: main
    branches: [main, "release/*"]
    mergeHold: 45m
    label: preview
    ttl: 14d
    keepLabel: keep-preview
    registry: { host: registry.example.test:5000, repository: previews/shop, insecure: true }
    cache: { repository: previews/shop/cache, strategy: path }
    secrets:
      - { id: npm, env: NPM_TOKEN, pullRequests: true }
      - { id: deploy-key, file: /etc/deployer/deploy-key }
pages:
  public: true
`);
    expect(await loadServerConfig(file)).toEqual({
      pages: { public: true },
      hooks: [],
      repositories: [
        {
          name: 'acme/shop',
          cloneUrl: 'file:///tmp/x/shop.git',
          spec: 'deploy/env.yaml',
          fallback: 'main',
          branches: ['main', 'release/*'],
          mergeHold: '45m',
          mergeHoldMs: 45 * 60_000,
          label: 'preview',
          ttl: '14d',
          ttlMs: 14 * 86_400_000,
          keepLabel: 'keep-preview',
          registry: { host: 'registry.example.test:5000', repository: 'previews/shop', insecure: true },
          cache: { repository: 'previews/shop/cache', strategy: 'path', mode: 'max' },
          secrets: [
            { id: 'npm', env: 'NPM_TOKEN', pullRequests: true },
            { id: 'deploy-key', file: '/etc/deployer/deploy-key', pullRequests: false },
          ],
        },
      ],
    });
  });

  it('fills in the defaults: GitHub clone URL, fallback main, only the default branch, mergeHold 30m, ttl 14d', async () => {
    const file = await configFile(
      'repositories:\n  - name: acme/web\n    spec: env.yaml\n    registry: { host: r.test, repository: web }\n',
    );
    const [repository] = (await loadServerConfig(file)).repositories;
    expect(repository).toEqual({
      name: 'acme/web',
      cloneUrl: 'https://github.com/acme/web.git',
      spec: 'env.yaml',
      fallback: 'main',
      branches: [],
      mergeHold: '30m',
      mergeHoldMs: 30 * 60_000,
      ttl: '14d',
      ttlMs: 14 * 86_400_000,
      registry: { host: 'r.test', repository: 'web', insecure: false },
      secrets: [],
    });
    // The config is the fallback's edge: validated once there, a BuildUuid after it.
    expectTypeOf<RepositoryConfig['fallback']>().toEqualTypeOf<BuildUuid>();
  });

  it.each([
    ['ttl: 0d', 'repositories[0].ttl', 'must be a whole number followed by d, h, m or s'],
    ['ttl: 2 weeks', 'repositories[0].ttl', 'must be a whole number followed by d, h, m or s'],
    ['spec: /etc/passwd', 'repositories[0].spec', 'must be relative to the repository root'],
    ['spec: ../other/env.yaml', 'repositories[0].spec', 'must stay inside the repository'],
    ['spec: deploy/../../env.yaml', 'repositories[0].spec', 'must stay inside the repository'],
    ['spec: deploy\\env.yaml', 'repositories[0].spec', 'forward slashes'],
    ['spec: "."', 'repositories[0].spec', 'must name a file'],
    ['fallback: Main', 'repositories[0].fallback', 'lower-case letters and digits'],
    ['fallback: release--1', 'repositories[0].fallback', 'lower-case letters and digits'],
    [`fallback: ${'a'.repeat(64)}`, 'repositories[0].fallback', 'at most 63 characters'],
    [
      'fallback: branch-main-0123456789',
      'repositories[0].fallback',
      'must not look like a branch environment',
    ],
    ['branches: [""]', 'repositories[0].branches[0]', 'must not be empty'],
    ['branches: [main, refs/heads/dev]', 'repositories[0].branches[1]', 'not a ref'],
    ['branches: main', 'repositories[0].branches', ''],
    ['mergeHold: 0m', 'repositories[0].mergeHold', 'must be a whole number followed by d, h, m or s'],
    ['mergeHold: soon', 'repositories[0].mergeHold', 'must be a whole number followed by d, h, m or s'],
    ['cloneUrl: ext::sh -c id', 'repositories[0].cloneUrl', 'must not contain whitespace'],
    ['cloneUrl: --upload-pack=id', 'repositories[0].cloneUrl', 'must not start with "-"'],
    ['cloneUrl: https://user:token@github.com/acme/shop.git', 'repositories[0].cloneUrl', 'credentials'],
    ['label: ""', 'repositories[0].label', 'must not be empty'],
    ['branch: main', 'repositories[0]', 'unknown key "branch"'],
    ['registry: { host: "-x", repository: a }', 'repositories[0].registry.host', ''],
    ['registry: { host: r.test, repository: "../x" }', 'repositories[0].registry.repository', ''],
    ['cache: { sharedExport: true }', 'repositories[0].cache', 'unknown key "sharedExport"'],
    ['secrets: [{ id: tok, env: DEPLOYER_API_TOKEN }]', 'repositories[0].secrets[0].env', "server's own"],
    ['secrets: [{ id: tok, env: DATABASE_URL }]', 'repositories[0].secrets[0].env', "server's own"],
    ['secrets: [{ id: tok, file: relative/path }]', 'repositories[0].secrets[0].file', 'absolute'],
    ['secrets: [{ id: tok, file: "/a,b" }]', 'repositories[0].secrets[0].file', 'comma'],
    ['secrets: [{ id: tok }]', 'repositories[0].secrets[0]', 'exactly one source'],
    ['secrets: [{ id: tok, value: x }]', 'repositories[0].secrets[0]', 'unknown key "value"'],
    ['secrets: [{ id: a, env: A }, { id: a, env: B }]', 'repositories[0].secrets[1].id', 'listed twice'],
  ])('refuses %j at %s', async (line, path, rule) => {
    const spec = line.startsWith('spec:') ? '' : '    spec: env.yaml\n';
    const registry = line.startsWith('registry:') ? '' : '    registry: { host: r.test, repository: shop }\n';
    const error = await loadError(`repositories:\n  - name: acme/shop\n${spec}${registry}    ${line}\n`);
    expect(error.code).toBe('INVALID_CONFIG');
    expect(error.path).toBe(path);
    expect(error.detail).toContain(rule);
  });

  it.each(['shop', 'acme/..', 'acme/.', '-acme/shop', 'acme/shop/extra', 'acme/sh op'])(
    'refuses the name %j (not owner/name)',
    async (name) => {
      const error = await loadError(`repositories:\n  - name: ${JSON.stringify(name)}\n    spec: env.yaml\n`);
      expect(error.path).toBe('repositories[0].name');
      expect(error.detail).toContain('must be a GitHub full name, owner/name');
    },
  );

  it('accepts names with dots, dashes and underscores', async () => {
    const file = await configFile(
      'repositories:\n  - name: acme-co/.github\n    spec: env.yaml\n    registry: { host: r.test, repository: a }\n' +
        '  - name: a/my_repo.js\n    spec: env.yaml\n    registry: { host: r.test, repository: b }\n',
    );
    expect((await loadServerConfig(file)).repositories.map((r) => r.name)).toEqual([
      'acme-co/.github',
      'a/my_repo.js',
    ]);
  });

  it('refuses a repository listed twice, case-insensitively, naming the second', async () => {
    const error = await loadError(`repositories:
  - name: acme/shop
    spec: env.yaml
    registry: { host: r.test, repository: a }
  - name: acme/web
    spec: env.yaml
    registry: { host: r.test, repository: b }
  - name: Acme/Shop
    spec: env.yaml
    registry: { host: r.test, repository: c }
`);
    expect(error.path).toBe('repositories[2].name');
    expect(error.detail).toContain('listed twice (first at repositories[0])');
  });

  it('requires a registry and refuses two repositories sharing one image repository', async () => {
    const missing = await loadError('repositories:\n  - name: acme/shop\n    spec: env.yaml\n');
    expect(missing.path).toBe('repositories[0].registry');
    const shared = await loadError(`repositories:
  - name: acme/shop
    spec: env.yaml
    registry: { host: r.test, repository: previews }
  - name: acme/web
    spec: env.yaml
    registry: { host: R.test, repository: previews }
`);
    expect(shared.path).toBe('repositories[1].registry.repository');
    expect(shared.detail).toContain("is repositories[0]'s too");
  });

  it('refuses an empty file and an empty list', async () => {
    expect((await loadError('')).path).toBe('repositories');
    const empty = await loadError('repositories: []\n');
    expect(empty.path).toBe('repositories');
    expect(empty.detail).toContain('at least one repository');
  });

  it('names the YAML line of a syntax error', async () => {
    const error = await loadError('repositories:\n  - name: acme/shop\n   spec: [\n');
    expect(error.code).toBe('INVALID_YAML');
    expect(error.path).toMatch(/^line \d+, column \d+$/);
  });

  it('names a file it cannot read', async () => {
    const missing = join(dir, 'missing.yaml');
    const error = await loadServerConfig(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ServerConfigError);
    expect((error as ServerConfigError).code).toBe('CONFIG_NOT_FOUND');
    expect((error as ServerConfigError).message).toContain(missing);
    expect((error as ServerConfigError).message).toContain('ENOENT');
  });

  it('counts the other problems', async () => {
    const error = await loadError('repositories:\n  - name: shop\n    spec: /x\n    ttl: soon\n');
    expect(error.detail).toContain('(and 3 more problems)');
  });
});
