import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Environment, loadEnvironment, SpecError } from '../src/index.js';

// Specs come from pull requests: every path they name stays inside the spec's root, symlinks followed.
// Real directories and real symlinks in a temp dir: `repo/` is the checkout, `outside/` the rest of the host.
const registry = { host: 'registry.example.test:5000', repository: 'shop' };
const hostSecret = 'contents-of-a-host-file';
let dir: string;
let repo: string;
let outside: string;

beforeEach(async () => {
  dir = await realpath(await mkdtemp(join(tmpdir(), 'deploy-confine-')));
  repo = join(dir, 'repo');
  outside = join(dir, 'outside');
  for (const context of [join(repo, 'deploy'), join(repo, 'web'), outside]) {
    await mkdir(context, { recursive: true });
    await writeFile(join(context, 'Dockerfile'), 'FROM scratch\n');
  }
  await writeFile(join(outside, 'hostname'), hostSecret);
  await writeFile(join(repo, 'token'), 'inside');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(web: Record<string, unknown>, options: { root?: string; specDir?: string } = {}) {
  const file = join(options.specDir ?? repo, 'env.yaml');
  await writeFile(file, JSON.stringify({ registry, services: { web } }));
  return loadEnvironment(file, options.root === undefined ? {} : { root: options.root });
}

async function refused(web: Record<string, unknown>, options?: { root?: string; specDir?: string }) {
  const error = await load(web, options).then(
    (env: Environment) => env,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SpecError);
  const specError = error as SpecError;
  expect(specError.code).toBe('OUTSIDE_ROOT');
  expect(specError.message).toContain('must stay inside');
  expect(specError.message).not.toContain(hostSecret);
  // Paths are named relative to the root: where the checkout, or the host's files, are stays unsaid.
  expect(specError.detail).not.toContain(dir);
  return specError;
}

describe('spec paths stay inside the root', () => {
  it('refuses a context that climbs out or is absolute', async () => {
    expect((await refused({ context: '../outside' })).path).toBe('services.web.context');
    const absolute = await refused({ context: outside });
    expect(absolute.path).toBe('services.web.context');
    expect(absolute.detail).toBe("../outside must stay inside the spec's root");
  });

  it('refuses a context symlink inside the checkout that points out', async () => {
    await symlink(outside, join(repo, 'vendor'));
    const error = await refused({ context: 'vendor' });
    expect(error.path).toBe('services.web.context');
    expect(error.detail).toBe("./vendor (really ../outside) must stay inside the spec's root");
  });

  it('refuses a path under a symlinked parent, existing or not', async () => {
    await symlink(dir, join(repo, 'up'));
    expect((await refused({ context: 'up/outside' })).path).toBe('services.web.context');
    expect((await refused({ context: 'up/not-there' })).path).toBe('services.web.context');
  });

  it('refuses a Dockerfile outside, named or as the default symlink', async () => {
    expect((await refused({ context: 'web', dockerfile: '../../outside/hostname' })).path).toBe(
      'services.web.dockerfile',
    );
    await mkdir(join(repo, 'linked'));
    await symlink(join(outside, 'hostname'), join(repo, 'linked', 'Dockerfile'));
    expect((await refused({ context: 'linked' })).path).toBe('services.web.dockerfile');
  });

  it('refuses a secret file outside, directly or through a symlink', async () => {
    let error = await refused({ context: 'web', secrets: [{ id: 'host', file: join(outside, 'hostname') }] });
    expect(error.path).toBe('services.web.secrets[0].file');
    await symlink(join(outside, 'hostname'), join(repo, 'innocent'));
    error = await refused({ context: 'web', secrets: [{ id: 'host', file: 'innocent' }] });
    expect(error.path).toBe('services.web.secrets[0].file');
  });

  it('accepts paths inside, resolved to where they really are', async () => {
    await symlink(join(repo, 'web'), join(repo, 'alias'));
    const env = await load({ context: 'alias', secrets: [{ id: 'token', file: 'token' }] });
    const web = env.services[0]!;
    expect(web.contextDir).toBe(join(repo, 'web'));
    expect(web.dockerfile).toBe(join(repo, 'web', 'Dockerfile'));
    expect(web.secrets).toEqual([{ id: 'token', file: join(repo, 'token') }]);
  });

  it('takes a wider root (the checkout) for a spec in a subdirectory, and still nothing beyond it', async () => {
    const specDir = join(repo, 'deploy');
    // By default the spec's own directory is the root: a sibling directory is out.
    expect((await refused({ context: '../web' }, { specDir })).path).toBe('services.web.context');
    const env = await load({ context: '../web' }, { specDir, root: repo });
    expect(env.services[0]!.contextDir).toBe(join(repo, 'web'));
    expect((await refused({ context: '../../outside' }, { specDir, root: repo })).path).toBe(
      'services.web.context',
    );
  });

  it('follows a symlinked root to where it really is', async () => {
    await symlink(repo, join(dir, 'checkout'));
    const env = await load(
      { context: 'web' },
      { specDir: join(dir, 'checkout'), root: join(dir, 'checkout') },
    );
    expect(env.services[0]!.contextDir).toBe(join(repo, 'web'));
  });

  it('names paths relative to the root, and the spec file too when a root is given', async () => {
    const specDir = join(repo, 'deploy');
    const missing = async (web: Record<string, unknown>) => {
      const error = await load(web, { specDir, root: repo }).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(SpecError);
      const specError = error as SpecError;
      expect(specError.message).not.toContain(dir);
      expect(specError.file).toBe('deploy/env.yaml');
      expect(specError.message.startsWith('deploy/env.yaml: services.web')).toBe(true);
      return specError.detail;
    };
    expect(await missing({ context: 'nowhere' })).toBe('build context ./deploy/nowhere is not a directory');
    expect(await missing({ context: '../web', dockerfile: 'Dockerfile.prod' })).toBe(
      'Dockerfile ./web/Dockerfile.prod does not exist',
    );
    expect(await missing({ context: '../web', secrets: [{ id: 'npm', file: '../npmrc' }] })).toBe(
      'secret file ./npmrc does not exist',
    );
    expect(await missing({ context: '../../outside' })).toBe("../outside must stay inside the spec's root");

    // Without a root, the spec's directory is the root; the file is named as given.
    const error = (await load({ context: 'nowhere' }).catch((caught: unknown) => caught)) as SpecError;
    expect(error.detail).toBe('build context ./nowhere is not a directory');
    expect(error.file).toBe(join(repo, 'env.yaml'));
  });
});
