import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';

/**
 * A real bare repository (served as a `file://` clone URL) and a working clone, with what a pull request's
 * life needs beyond `createGitRepository`: branches from any branch (a release branch, a stacked pull
 * request), fast-forward merges and merge commits with two parents.
 */
export interface BranchingRepository {
  cloneUrl: string;
  /**
   * Writes `files` on `branch` (created from `from`, default main, when new), commits, pushes; resolves to
   * the commit. The first commit ever makes main, whatever `branch` says.
   */
  commit(
    branch: string,
    files: Record<string, string | Uint8Array>,
    message: string,
    options?: { from?: string },
  ): Promise<string>;
  /** `git merge --ff-only source` on `into`, pushed: the merge commit is source's head. */
  fastForward(into: string, source: string): Promise<string>;
  /** `git merge --no-ff source` on `into`, pushed: a new commit with two parents. */
  mergeCommit(into: string, source: string, message: string): Promise<string>;
  /** The commit's parents, as git records them. */
  parents(sha: string): Promise<string[]>;
  remove(): Promise<void>;
}

export async function createBranchingRepository(): Promise<BranchingRepository> {
  const root = await mkdtemp(join(tmpdir(), 'deployer-git-'));
  const bare = join(root, 'origin.git');
  const work = join(root, 'work');
  const git = async (...args: string[]) =>
    (
      await execa(
        'git',
        ['-c', 'user.name=deployer test', '-c', 'user.email=test@example.invalid', ...args],
        {
          cwd: work,
          env: { GIT_CONFIG_NOSYSTEM: '1', HOME: root },
        },
      )
    ).stdout.trim();
  await execa('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  await execa('git', ['init', '--quiet', '--initial-branch=main', work]);
  let empty = true;
  const push = async (branch: string) => {
    await git('push', '--quiet', '--force', bare, `${branch}:${branch}`);
    return git('rev-parse', 'HEAD');
  };
  const checkout = async (branch: string, from: string) => {
    const exists = await git('rev-parse', '--verify', '--quiet', `refs/heads/${branch}`).then(
      () => true,
      () => false,
    );
    await git('checkout', '--quiet', ...(exists ? [branch] : ['-b', branch, from]));
  };
  return {
    cloneUrl: pathToFileURL(bare).href,
    async commit(branch, files, message, options = {}) {
      if (empty) branch = 'main';
      else await checkout(branch, options.from ?? 'main');
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(work, path)), { recursive: true });
        await writeFile(join(work, path), content);
      }
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '-m', message);
      empty = false;
      return push(branch);
    },
    async fastForward(into, source) {
      await checkout(into, 'main');
      await git('merge', '--quiet', '--ff-only', source);
      return push(into);
    },
    async mergeCommit(into, source, message) {
      await checkout(into, 'main');
      await git('merge', '--quiet', '--no-ff', '-m', message, source);
      return push(into);
    },
    async parents(sha) {
      return (await git('rev-list', '--parents', '-n', '1', sha)).split(' ').slice(1);
    },
    remove: () => rm(root, { recursive: true, force: true }),
  };
}
