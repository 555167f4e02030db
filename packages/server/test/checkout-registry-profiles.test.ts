import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RegistryProfileEntry } from '@deployer/contracts';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadServerConfig } from '../src/index.js';
import { checkoutEnvironment } from '../src/worker/checkout-environment.js';

// Under serve the operator's config module's registry profiles reach every spec the worker loads: the one
// for the server config's cache registry applies unless the server config's `cache` sets its own kind.
let root: string;
let url: string;
let sha: string;
const isolated = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
const git = async (cwd: string, args: string[]) =>
  (
    await execa('git', ['-c', 'user.name=t', '-c', 'user.email=t@deployer.invalid', ...args], {
      cwd,
      env: isolated,
    })
  ).stdout.trim();

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'deployer-checkout-profiles-'));
  const work = join(root, 'work');
  await mkdir(join(work, 'app'), { recursive: true });
  await git(root, ['init', '--quiet', '--bare', join(root, 'origin.git')]);
  await git(root, ['init', '--quiet', '-b', 'main', work]);
  await writeFile(join(work, 'app', 'Dockerfile'), 'FROM scratch\n');
  // A stranger's spec: its own cache kind is never read under serve.
  await writeFile(
    join(work, 'env.yaml'),
    'registry: { host: x.example, repository: r }\ncache: { kind: ecr }\nservices:\n  app:\n    context: app\n',
  );
  await git(work, ['add', '--all']);
  await git(work, ['commit', '--quiet', '-m', 'spec']);
  sha = await git(work, ['rev-parse', 'HEAD']);
  await git(work, ['push', '--quiet', join(root, 'origin.git'), 'HEAD:refs/heads/main']);
  url = `file://${join(root, 'origin.git')}`;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const profiles: RegistryProfileEntry[] = [{ host: 'images.operator.test:5000', kind: 'dockerhub' }];

async function repository(name: string, cache: string) {
  const file = join(root, `${name}.yaml`);
  await writeFile(
    file,
    `repositories:\n  - name: acme/${name}\n    cloneUrl: ${url}\n    spec: env.yaml\n    fallback: main\n    registry: { host: images.operator.test:5000, repository: previews/shop }\n${cache}`,
  );
  return (await loadServerConfig(file)).repositories[0]!;
}

describe('checkoutEnvironment with registry profiles', () => {
  it("gives the server config's cache registry the config module's profile", async () => {
    const environment = await checkoutEnvironment(
      await repository('plain', ''),
      'pull_request',
      sha,
      join(root, 'checkout-plain'),
      { env: {}, registryProfiles: profiles },
    );
    expect(environment.cache.kind).toBe('dockerhub');
  });

  it("keeps the server config's own cache kind", async () => {
    const environment = await checkoutEnvironment(
      await repository('own', '    cache: { kind: harbor }\n'),
      'pull_request',
      sha,
      join(root, 'checkout-own'),
      { env: {}, registryProfiles: profiles },
    );
    expect(environment.cache.kind).toBe('harbor');
  });

  it('detects the kind from the host without profiles', async () => {
    const environment = await checkoutEnvironment(
      await repository('none', ''),
      'pull_request',
      sha,
      join(root, 'checkout-none'),
      { env: {} },
    );
    expect(environment.cache.kind).toBeUndefined();
  });
});
