import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { GitCheckoutError } from './errors.js';
import { runGit, runGitStep } from './git/run-git.js';
import { validateCloneUrl } from './validate/clone-url.js';
import { objectFormatOf, validateCommitSha } from './validate/commit-sha.js';

export interface CheckoutCommitOptions {
  /** https://, ssh://, user@host:path or file:/// (see validateCloneUrl). */
  cloneUrl: string;
  /** The full commit id: 40 or 64 hexadecimal digits. */
  sha: string;
  /** The folder to check out into: missing, empty, or an earlier checkout made by checkoutCommit. */
  into: string;
  signal?: AbortSignal;
}

export interface CheckedOutCommit {
  /** The checkout, absolute. */
  dir: string;
  /** The commit checked out, lower-cased. */
  sha: string;
}

type Target = 'missing' | 'empty' | 'checkout' | 'other';

async function inspectTarget(dir: string): Promise<Target> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw new GitCheckoutError('TARGET_NOT_EMPTY', `checkout folder ${dir}: cannot be read as a folder`, {
      cause: error,
    });
  }
  if (entries.length === 0) return 'empty';
  const gitDir = await stat(join(dir, '.git')).catch(() => undefined);
  return gitDir?.isDirectory() ? 'checkout' : 'other';
}

async function headOf(dir: string, signal?: AbortSignal): Promise<string | undefined> {
  const result = await runGit(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'], {
    gitDir: join(dir, '.git'),
    workTree: dir,
    signal,
  });
  return result.exitCode === 0 ? result.stdout[0]?.trim() : undefined;
}

async function isPristine(dir: string, signal?: AbortSignal): Promise<boolean> {
  const result = await runGit(['status', '--porcelain', '--ignored', '--untracked-files=all'], {
    gitDir: join(dir, '.git'),
    workTree: dir,
    signal,
  });
  return result.exitCode === 0 && result.stdout.every((line) => line.trim() === '');
}

/**
 * Puts exactly one commit of a repository into `into` with real git: `git init`, `git fetch --depth 1
 * --no-tags -- <url> <sha>` (only that commit's objects travel), `git checkout --detach FETCH_HEAD`.
 * Idempotent: a folder that already holds that commit, untouched, is returned as it is; an earlier checkout
 * of ours at another commit (or changed since) is fetched into and reset, its stray files removed. No
 * credential prompt, no system or user git configuration, no hooks. A checkout that fails leaves no folder it
 * created behind. Throws GitCheckoutError.
 */
export async function checkoutCommit(options: CheckoutCommitOptions): Promise<CheckedOutCommit> {
  const sha = validateCommitSha(options.sha);
  const cloneUrl = validateCloneUrl(options.cloneUrl);
  const dir = resolve(options.into);
  const { signal } = options;
  const target = await inspectTarget(dir);
  if (target === 'other') {
    throw new GitCheckoutError(
      'TARGET_NOT_EMPTY',
      `checkout folder ${dir}: holds files but no checkout; give a missing or empty folder`,
    );
  }
  const repository = { gitDir: join(dir, '.git'), workTree: dir, signal };
  if (target === 'checkout' && (await headOf(dir, signal)) === sha && (await isPristine(dir, signal))) {
    return { dir, sha };
  }

  try {
    if (target !== 'checkout') {
      await mkdir(dir, { recursive: true });
      await runGitStep(
        'INIT_FAILED',
        `creating a repository in ${dir}`,
        ['init', '--quiet', `--object-format=${objectFormatOf(sha)}`, '--', dir],
        { signal },
      );
    }
    await runGitStep(
      'FETCH_FAILED',
      `fetching commit ${sha} from ${cloneUrl}`,
      ['fetch', '--quiet', '--depth', '1', '--no-tags', '--', cloneUrl, sha],
      repository,
    );
    await runGitStep(
      'CHECKOUT_FAILED',
      `checking out commit ${sha} in ${dir}`,
      ['checkout', '--quiet', '--force', '--detach', 'FETCH_HEAD', '--'],
      repository,
    );
    // An earlier checkout's build outputs and stray files must not leak into this commit's build.
    await runGitStep('CHECKOUT_FAILED', `cleaning ${dir}`, ['clean', '-ffdxq'], repository);
    const head = await headOf(dir, signal);
    if (head !== sha) {
      throw new GitCheckoutError(
        'SHA_MISMATCH',
        `checkout of ${sha} from ${cloneUrl}: HEAD is ${head ?? 'missing'}, not the commit asked for`,
      );
    }
    return { dir, sha };
  } catch (error) {
    // Nothing half-done: a folder that was missing or empty is so again.
    if (target !== 'checkout') {
      await rm(dir, { recursive: true, force: true });
      if (target === 'empty') await mkdir(dir, { recursive: true });
    }
    throw error;
  }
}
