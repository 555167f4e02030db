import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkoutCommit, GitCheckoutError } from '../src/index.js';
import { createTestRepository, git, type TestRepository } from './helpers/repositories.js';

let repo: TestRepository;
beforeEach(async () => {
  repo = await createTestRepository();
});
afterEach(async () => {
  await repo.cleanup();
});

async function failure(promise: Promise<unknown>): Promise<GitCheckoutError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(GitCheckoutError);
  return error as GitCheckoutError;
}

/** Whether the process is gone (or a zombie waiting to be reaped) within the time. */
async function diesWithin(pid: number, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => undefined);
    if (stat === undefined || stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return false;
}

describe('checkoutCommit from a bare repository (file://)', () => {
  it('checks out exactly the commit asked for, shallow, without tags', async () => {
    const first = await repo.commit({ 'env.yaml': 'first\n', 'web/Dockerfile': 'FROM busybox\n' });
    await git(repo.work, ['tag', 'v1']);
    const second = await repo.commit({ 'env.yaml': 'second\n' });
    await repo.push('refs/heads/main');
    await git(repo.work, ['push', '--quiet', repo.bare, 'refs/tags/v1']);

    const into = join(repo.root, 'checkouts', 'first');
    // The older commit: no branch tip, reachable from main.
    const result = await checkoutCommit({ cloneUrl: repo.url, sha: first, into });
    expect(result).toEqual({ dir: into, sha: first });
    expect(await readFile(join(into, 'env.yaml'), 'utf8')).toBe('first\n');
    expect(await readFile(join(into, 'web/Dockerfile'), 'utf8')).toBe('FROM busybox\n');
    expect(await git(into, ['rev-parse', 'HEAD'])).toBe(first);
    expect(await git(into, ['rev-list', '--count', '--all'])).toBe('1');
    expect(await git(into, ['tag', '--list'])).toBe('');
    expect(await git(into, ['branch', '--show-current'])).toBe(''); // detached

    const tip = await checkoutCommit({ cloneUrl: repo.url, sha: second, into: join(repo.root, 'tip') });
    expect(await readFile(join(tip.dir, 'env.yaml'), 'utf8')).toBe('second\n');
  });

  it('fetches a commit that no ref points to any more (a force-pushed pull request head)', async () => {
    await repo.commit({ 'a.txt': 'base\n' });
    await repo.push('refs/heads/main');
    const orphan = await repo.commit({ 'a.txt': 'force-pushed away\n' });
    await repo.push('refs/heads/feature');
    await git(repo.work, ['push', '--quiet', repo.bare, ':refs/heads/feature']);

    const { dir } = await checkoutCommit({ cloneUrl: repo.url, sha: orphan, into: join(repo.root, 'c') });
    expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('force-pushed away\n');
  });

  it('accepts an upper-case commit id and returns it lower-cased', async () => {
    const sha = await repo.commit({ 'a.txt': 'x\n' });
    await repo.push('refs/heads/main');
    const result = await checkoutCommit({
      cloneUrl: repo.url,
      sha: sha.toUpperCase(),
      into: join(repo.root, 'c'),
    });
    expect(result.sha).toBe(sha);
  });

  it('checks out a SHA-256 repository', async () => {
    const sha256 = await createTestRepository('sha256');
    try {
      const sha = await sha256.commit({ 'a.txt': 'sha256\n' });
      await sha256.push('refs/heads/main');
      expect(sha).toMatch(/^[0-9a-f]{64}$/);
      const { dir } = await checkoutCommit({ cloneUrl: sha256.url, sha, into: join(sha256.root, 'c') });
      expect(await readFile(join(dir, 'a.txt'), 'utf8')).toBe('sha256\n');
    } finally {
      await sha256.cleanup();
    }
  });
});

describe('checkoutCommit into a folder that already holds a checkout', () => {
  it('returns a pristine checkout of that commit without asking the server', async () => {
    const sha = await repo.commit({ 'a.txt': 'x\n' });
    await repo.push('refs/heads/main');
    const into = join(repo.root, 'c');
    await checkoutCommit({ cloneUrl: repo.url, sha, into });
    await rm(repo.bare, { recursive: true }); // a fetch now would fail
    expect(await checkoutCommit({ cloneUrl: repo.url, sha, into })).toEqual({ dir: into, sha });
  });

  it('restores changed files and removes stray ones', async () => {
    const sha = await repo.commit({ 'a.txt': 'x\n', '.gitignore': 'out/\n' });
    await repo.push('refs/heads/main');
    const into = join(repo.root, 'c');
    await checkoutCommit({ cloneUrl: repo.url, sha, into });
    await writeFile(join(into, 'a.txt'), 'changed\n');
    await mkdir(join(into, 'out'));
    await writeFile(join(into, 'out', 'build.log'), 'ignored output\n');
    await writeFile(join(into, 'stray.txt'), 'stray\n');

    await checkoutCommit({ cloneUrl: repo.url, sha, into });
    expect(await readFile(join(into, 'a.txt'), 'utf8')).toBe('x\n');
    expect((await readdir(into)).sort()).toEqual(['.git', '.gitignore', 'a.txt']);
  });

  it('moves an earlier checkout to another commit', async () => {
    const first = await repo.commit({ 'a.txt': 'first\n', 'only-first.txt': '1\n' });
    await git(repo.work, ['rm', '--quiet', 'only-first.txt']);
    const second = await repo.commit({ 'a.txt': 'second\n' });
    await repo.push('refs/heads/main');
    const into = join(repo.root, 'c');
    await checkoutCommit({ cloneUrl: repo.url, sha: first, into });
    await checkoutCommit({ cloneUrl: repo.url, sha: second, into });
    expect(await readFile(join(into, 'a.txt'), 'utf8')).toBe('second\n');
    expect(existsSync(join(into, 'only-first.txt'))).toBe(false);
    expect(await git(into, ['rev-parse', 'HEAD'])).toBe(second);
  });
});

describe('checkoutCommit failures', () => {
  it('names a commit the server does not have (FETCH_FAILED) and leaves no folder behind', async () => {
    await repo.commit({ 'a.txt': 'x\n' });
    await repo.push('refs/heads/main');
    const into = join(repo.root, 'c');
    const missing = 'a'.repeat(40);
    const error = await failure(checkoutCommit({ cloneUrl: repo.url, sha: missing, into }));
    expect(error.code).toBe('FETCH_FAILED');
    expect(error.message).toContain(missing);
    expect(error.message).toContain(repo.url);
    expect(error.message).toMatch(/not our ref/);
    expect(existsSync(into)).toBe(false);
  });

  it('empties an empty folder again when the fetch fails', async () => {
    const into = join(repo.root, 'empty');
    await mkdir(into);
    const error = await failure(
      checkoutCommit({ cloneUrl: `file://${repo.root}/nowhere.git`, sha: 'b'.repeat(40), into }),
    );
    expect(error.code).toBe('FETCH_FAILED');
    expect(await readdir(into)).toEqual([]);
  });

  it('refuses a folder holding other files (TARGET_NOT_EMPTY) and leaves it alone', async () => {
    const into = join(repo.root, 'busy');
    await mkdir(into);
    await writeFile(join(into, 'keep.txt'), 'mine\n');
    const error = await failure(checkoutCommit({ cloneUrl: repo.url, sha: 'c'.repeat(40), into }));
    expect(error.code).toBe('TARGET_NOT_EMPTY');
    expect(await readdir(into)).toEqual(['keep.txt']);
  });

  it('refuses an abbreviated or non-hex commit id before running git', async () => {
    for (const sha of ['abc1234', 'z'.repeat(40), 'a'.repeat(41), `--upload-pack=${'a'.repeat(26)}`]) {
      const into = join(repo.root, 'never');
      const error = await failure(checkoutCommit({ cloneUrl: repo.url, sha, into }));
      expect(error.code).toBe('INVALID_SHA');
      expect(error.message).toContain('40 (SHA-1) or 64 (SHA-256)');
      expect(existsSync(into)).toBe(false);
    }
  });

  it('stops a running fetch when the signal aborts (ABORTED), its processes gone, leaving no folder', async () => {
    // The "ssh" transport is a sleep that records its pid: a fetch that hangs on the network.
    const pidFile = join(repo.root, 'ssh.pid');
    const saved = process.env.GIT_SSH_COMMAND;
    process.env.GIT_SSH_COMMAND = `echo $$ > '${pidFile}'; exec sleep 60 #`;
    const into = join(repo.root, 'c');
    const controller = new AbortController();
    try {
      const checkout = checkoutCommit({
        cloneUrl: 'ssh://git.example.invalid/acme/shop.git',
        sha: 'd'.repeat(40),
        into,
        signal: controller.signal,
      });
      while (!existsSync(pidFile)) await new Promise((resolve) => setTimeout(resolve, 20));
      const started = Date.now();
      controller.abort();
      const error = await failure(checkout);
      expect(error.code).toBe('ABORTED');
      expect(Date.now() - started).toBeLessThan(10_000);
    } finally {
      if (saved === undefined) delete process.env.GIT_SSH_COMMAND;
      else process.env.GIT_SSH_COMMAND = saved;
    }
    const sshPid = Number((await readFile(pidFile, 'utf8')).trim());
    expect(await diesWithin(sshPid, 5_000)).toBe(true); // the transport died with git's process group
    expect(existsSync(into)).toBe(false);
  });

  it('stops at once when the signal is aborted (ABORTED), leaving no folder', async () => {
    const sha = await repo.commit({ 'a.txt': 'x\n' });
    await repo.push('refs/heads/main');
    const into = join(repo.root, 'c');
    const controller = new AbortController();
    controller.abort();
    const error = await failure(checkoutCommit({ cloneUrl: repo.url, sha, into, signal: controller.signal }));
    expect(error.code).toBe('ABORTED');
    expect(existsSync(into)).toBe(false);
  });
});
