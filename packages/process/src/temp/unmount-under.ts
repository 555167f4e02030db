import { readFile } from 'node:fs/promises';
import { runProcess } from '../run/run-process.js';

/**
 * Unmounts whatever is still mounted inside `dir`, deepest first. buildah on overlay storage leaves its
 * container mounts behind when a build fails or is killed; a build's own storage can only be removed once
 * they are gone. Lazy (`umount --lazy`), so a mount still in use cannot block the cleanup. Linux only:
 * elsewhere (no /proc/self/mountinfo) there is nothing to do.
 */
export async function unmountUnder(dir: string): Promise<void> {
  let mountinfo: string;
  try {
    mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return;
  }
  const points = mountinfo
    .split('\n')
    .map((line) => line.split(' ')[4])
    .filter((point): point is string => point !== undefined)
    // mountinfo escapes space, tab, newline and backslash as octal.
    .map((point) =>
      point.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(Number.parseInt(octal, 8))),
    )
    .filter((point) => point === dir || point.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const point of points) {
    await runProcess({
      file: 'umount',
      args: ['--lazy', point],
      killGraceMs: 1_000,
      deadline: Date.now() + 10_000,
    }).catch(() => undefined);
  }
}
