import { readFileSync } from 'node:fs';

/**
 * Whether `pid` still runs. EPERM counts as running (it exists, as another user). On Linux a zombie does
 * not: a killed process whose parent has not reaped it yet still answers signal 0, yet it is gone.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  const state = procState(pid);
  return state === null || state.state !== 'Z';
}

/** State letter and process group of `pid` from /proc; null without procfs or when the pid is gone. */
export function procState(pid: number | string): { state: string; pgrp: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so split after the last ')'.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { state: state ?? '', pgrp: Number(pgrp) };
  } catch {
    return null;
  }
}
