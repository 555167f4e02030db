import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  pgid: number;
  /** `R`, `S`, `Z` (exited, not yet reaped), … */
  state: string;
  argv: string[];
}

/** Every process visible in /proc, with its process group and argv. */
export function listProcesses(): ProcessInfo[] {
  const processes: ProcessInfo[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the parenthesised command: state, ppid, pgrp, …
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const argv = readFileSync(`/proc/${entry}/cmdline`, 'utf8')
        .split('\0')
        .filter((arg) => arg !== '');
      processes.push({ pid: Number(entry), pgid: Number(fields[2]), state: fields[0] ?? '?', argv });
    } catch {
      // The process ended while we looked.
    }
  }
  return processes;
}

/** Polls until `find` returns a value, or throws after `timeoutMs`. */
export async function waitFor<T>(find: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Live (not yet exited) processes of a process group. */
export function liveGroupMembers(pgid: number): ProcessInfo[] {
  return listProcesses().filter((p) => p.pgid === pgid && p.state !== 'Z');
}
