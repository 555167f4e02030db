import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execa } from 'execa';

// The test's own git runs see no user or system configuration either.
const isolated = { GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_TERMINAL_PROMPT: '0' };
const identity = ['-c', 'user.name=deployer test', '-c', 'user.email=test@deployer.invalid'];

export async function git(cwd: string, args: string[]): Promise<string> {
  const { stdout } = await execa('git', [...identity, ...args], { cwd, env: isolated });
  return stdout.trim();
}

/** A bare repository (the "server") and a working clone that commits and pushes to it. */
export interface TestRepository {
  root: string;
  bare: string;
  url: string;
  work: string;
  /** Writes the files, commits them and returns the commit id (not pushed). */
  commit(files: Record<string, string>, message?: string): Promise<string>;
  push(ref: string, sha?: string): Promise<void>;
  cleanup(): Promise<void>;
}

export async function createTestRepository(
  objectFormat: 'sha1' | 'sha256' = 'sha1',
): Promise<TestRepository> {
  const root = await mkdtemp(join(tmpdir(), 'git-checkout-test-'));
  const bare = join(root, 'origin.git');
  const work = join(root, 'work');
  await git(root, ['init', '--quiet', '--bare', `--object-format=${objectFormat}`, bare]);
  await git(root, ['init', '--quiet', `--object-format=${objectFormat}`, '-b', 'main', work]);
  let count = 0;
  return {
    root,
    bare,
    url: `file://${bare}`,
    work,
    async commit(files, message) {
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), content);
      }
      await git(work, ['add', '--all']);
      count += 1;
      await git(work, ['commit', '--quiet', '--allow-empty', '-m', message ?? `commit ${count}`]);
      return git(work, ['rev-parse', 'HEAD']);
    },
    async push(ref, sha = 'HEAD') {
      await git(work, ['push', '--quiet', '--force', bare, `${sha}:${ref}`]);
    },
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
}
