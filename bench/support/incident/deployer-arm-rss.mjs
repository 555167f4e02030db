// Peak resident memory of a process and everything it started (serve's node and the buildctl, git and
// helper processes it runs), sampled from /proc: each sample sums VmRSS over the tree as it is then, the
// peak is the largest sum. Shared pages count once per process, as `ps` shows them; Postgres is the arm's
// own child, not a replica's, and is not counted.
import { readdir, readFile } from 'node:fs/promises';

async function parentsByPid() {
  const parents = new Map();
  const entries = await readdir('/proc');
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name))
      .map(async (name) => {
        try {
          const stat = await readFile(`/proc/${name}/stat`, 'utf8');
          // `pid (comm) state ppid …`: comm may hold spaces and parentheses, so read after the last `)`.
          const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
          parents.set(Number(name), ppid);
        } catch {
          // Gone between readdir and read.
        }
      }),
  );
  return parents;
}

async function rssBytes(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** The pids of `root` and all its descendants. */
function treeOf(root, parents) {
  const children = new Map();
  for (const [pid, ppid] of parents) {
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(pid);
  }
  const tree = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift();
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** Samples each named root's tree every `everyMs` until `stop()`, which resolves to the peaks in bytes. */
export function sampleTreeRss(roots, everyMs = 200) {
  const peaks = Object.fromEntries(Object.keys(roots).map((name) => [name, 0]));
  let samples = 0;
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      const parents = await parentsByPid();
      for (const [name, root] of Object.entries(roots)) {
        const sizes = await Promise.all(treeOf(root, parents).map(rssBytes));
        peaks[name] = Math.max(
          peaks[name],
          sizes.reduce((sum, size) => sum + size, 0),
        );
      }
      samples += 1;
      await new Promise((resolve) => setTimeout(resolve, everyMs));
    }
  })();
  return {
    async stop() {
      stopped = true;
      await loop;
      return { peaks, samples };
    },
  };
}
