import { existsSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutCommit } from '../src/index.js';
import { createTestRepository, type TestRepository } from './helpers/repositories.js';

// A user configuration that would run a hook on checkout and send file:// fetches elsewhere.
let repo: TestRepository;
let home: string;
let marker: string;
const saved = { HOME: process.env.HOME, GIT_CONFIG_GLOBAL: process.env.GIT_CONFIG_GLOBAL };

beforeEach(async () => {
  repo = await createTestRepository();
  home = await mkdtemp(join(tmpdir(), 'git-checkout-home-'));
  marker = join(home, 'hook-ran');
  const hooks = join(home, 'hooks');
  await mkdir(hooks);
  await writeFile(join(hooks, 'post-checkout'), `#!/bin/sh\ntouch '${marker}'\n`);
  await chmod(join(hooks, 'post-checkout'), 0o755);
  await writeFile(join(home, '.gitconfig'), `[core]\n\thooksPath = ${hooks}\n`);
  process.env.HOME = home;
  delete process.env.GIT_CONFIG_GLOBAL;
});
afterEach(async () => {
  process.env.HOME = saved.HOME;
  if (saved.GIT_CONFIG_GLOBAL !== undefined) process.env.GIT_CONFIG_GLOBAL = saved.GIT_CONFIG_GLOBAL;
  await repo.cleanup();
  await rm(home, { recursive: true, force: true });
});

describe('checkoutCommit runs git without the user configuration', () => {
  it("never runs the user's hooks (plain git in the same environment does)", async () => {
    const sha = await repo.commit({ 'a.txt': 'x\n' });
    await repo.push('refs/heads/main');

    // The control: git as the user runs it fires the hook, so the check below can fail.
    const plain = join(repo.root, 'plain');
    const asUser = { env: { HOME: home, GIT_CONFIG_NOSYSTEM: '1' } };
    await execa('git', ['init', '--quiet', plain], asUser);
    await execa('git', ['-C', plain, 'fetch', '--quiet', '--depth', '1', repo.url, sha], asUser);
    await execa('git', ['-C', plain, 'checkout', '--quiet', '--detach', 'FETCH_HEAD'], asUser);
    expect(existsSync(marker)).toBe(true);
    await rm(marker);

    await checkoutCommit({ cloneUrl: repo.url, sha, into: join(repo.root, 'c') });
    expect(existsSync(join(repo.root, 'c', 'a.txt'))).toBe(true);
    expect(existsSync(marker)).toBe(false);
  });

  it('ignores GIT_DIR and GIT_WORK_TREE of the calling process', async () => {
    const sha = await repo.commit({ 'a.txt': 'x\n' });
    await repo.push('refs/heads/main');
    const decoy = join(repo.root, 'decoy');
    process.env.GIT_DIR = join(decoy, '.git');
    process.env.GIT_WORK_TREE = decoy;
    try {
      await checkoutCommit({ cloneUrl: repo.url, sha, into: join(repo.root, 'c') });
    } finally {
      delete process.env.GIT_DIR;
      delete process.env.GIT_WORK_TREE;
    }
    expect(existsSync(join(repo.root, 'c', 'a.txt'))).toBe(true);
    expect(existsSync(decoy)).toBe(false);
  });
});
