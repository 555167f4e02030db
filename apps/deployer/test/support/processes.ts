import { readdir, readFile } from 'node:fs/promises';
import { vi } from 'vitest';

/** Live processes whose command line contains `needle` (zombies excluded), read from /proc. */
export async function processesMatching(needle: string): Promise<Array<{ pid: number; argv: string[] }>> {
  const found: Array<{ pid: number; argv: string[] }> = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const [cmdline, stat] = await Promise.all([
        readFile(`/proc/${entry}/cmdline`, 'utf8'),
        readFile(`/proc/${entry}/stat`, 'utf8'),
      ]);
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      const argv = cmdline.split('\0').filter(Boolean);
      if (state !== 'Z' && argv.some((arg) => arg.includes(needle))) found.push({ pid: Number(entry), argv });
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** Polls `probe` (vitest's vi.waitFor) until it returns something other than undefined. */
export function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  return vi.waitFor(
    async () => {
      const value = await probe();
      if (value === undefined) throw new Error('not yet');
      return value;
    },
    { timeout: timeoutMs, interval: 200 },
  );
}
