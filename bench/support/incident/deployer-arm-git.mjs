// The deployer arm's repository: a local bare git repository that `deployer serve` fetches from as a
// file:// clone URL. Every commit the workload will push is made before the replay starts (git's cost stays
// out of the measured webhook → built times); at an event's time only its branch moves (`update-ref`),
// which is what GitHub's push is to serve: a ref at a commit it can fetch.
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';

const identity = {
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.invalid',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.invalid',
};

/** Branch of pull request #pr (its `head.ref`). */
export const branchOf = (pr) => `pr-${pr}`;

/** Creates the bare repository in `dir`; `commit` writes a whole tree as one commit on given parents. */
export async function createArmRepository(dir) {
  const bare = join(dir, 'origin.git');
  const tree = join(dir, 'tree');
  const index = join(dir, 'index');
  await execa('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare]);
  // serve fetches one commit by its id (`git fetch --depth 1 <url> <sha>`); a superseded push's commit is
  // no branch tip any more by the time a slow worker fetches it, as on GitHub, which serves it anyway.
  await execa('git', ['--git-dir', bare, 'config', 'uploadpack.allowAnySHA1InWant', 'true']);
  const git = (args, env = {}) =>
    execa('git', args, {
      env: { ...identity, GIT_DIR: bare, GIT_WORK_TREE: tree, GIT_INDEX_FILE: index, ...env },
    });
  let commits = 0;
  return {
    cloneUrl: pathToFileURL(bare).href,
    /**
     * One commit whose tree is exactly `files` (a fresh folder and index each time, so files a state drops
     * are gone), on `parents`; kept reachable by a ref of its own so no branch move can lose it.
     */
    async commit(files, parents, message) {
      await rm(tree, { recursive: true, force: true });
      await rm(index, { force: true });
      for (const [path, content] of Object.entries(files)) {
        await mkdir(dirname(join(tree, path)), { recursive: true });
        await writeFile(join(tree, path), content);
      }
      await git(['add', '--all']);
      const treeId = (await git(['write-tree'])).stdout.trim();
      const sha = (
        await git(['commit-tree', treeId, ...parents.flatMap((parent) => ['-p', parent]), '-m', message])
      ).stdout.trim();
      commits += 1;
      await git(['update-ref', `refs/bench/commit-${commits}`, sha]);
      return sha;
    },
    /** Moves `branch` to `sha`: the push itself. */
    async publish(branch, sha) {
      await git(['update-ref', `refs/heads/${branch}`, sha]);
    },
  };
}

/**
 * Makes every commit of the workload, in event order: `main` events on main's previous commit (a merge's
 * `main` event on main and the merged pull request's head, a real merge commit, the `merge_commit_sha` its
 * `closed` names), a pull request's first push on main as it is then, later pushes on its previous head.
 * Returns, per event seq, { branch, sha } (and for a merged close the merge commit's sha as `mergeSha`).
 */
export async function planCommits({ repository, events, filesOf }) {
  const plan = new Map();
  const heads = new Map();
  let main = null;
  // A merged close is followed by the `main` event that carries the merge: workload.mjs adds it right
  // after the close (seq + 1), though another close's merge may come between them in time.
  const mergedInto = new Map();
  for (const [index, event] of events.entries()) {
    if (event.kind !== 'close' || !event.merged) continue;
    const later = events.slice(index + 1).filter((candidate) => candidate.kind === 'main');
    const next = later.find((candidate) => candidate.seq === event.seq + 1) ?? later[0];
    if (next === undefined) throw new Error(`pull request #${event.pr} merged but no main push follows`);
    mergedInto.set(next.seq, event);
  }
  for (const event of events) {
    if (event.kind === 'close') continue;
    if (event.kind === 'main') {
      const merged = mergedInto.get(event.seq);
      const parents = [main, merged && heads.get(merged.pr)].filter(Boolean);
      const message = merged ? `Merge pull request #${merged.pr}` : `main ${event.seq}`;
      main = await repository.commit(filesOf(event.state), parents, message);
      plan.set(event.seq, { branch: 'main', sha: main });
      if (merged) plan.set(merged.seq, { branch: branchOf(merged.pr), mergeSha: main });
      continue;
    }
    const parent = event.kind === 'open' ? main : heads.get(event.pr);
    if (parent === undefined) throw new Error(`pull request #${event.pr} pushed before it was opened`);
    const sha = await repository.commit(filesOf(event.state), [parent], `#${event.pr} ${event.seq}`);
    heads.set(event.pr, sha);
    plan.set(event.seq, { branch: branchOf(event.pr), sha });
  }
  return { plan, headOf: (pr) => heads.get(pr), mainSha: () => main };
}
