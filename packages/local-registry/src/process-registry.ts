import { readFileSync } from 'node:fs';

/**
 * Registries started in the foreground must not outlive this process, even when a test runner exits
 * without calling stop(). execa's own cleanup covers signals; this also covers plain `process.exit()`.
 */
const running = new Set<number>();
let hooked = false;

export function track(pid: number): void {
  running.add(pid);
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const child of running) {
        try {
          process.kill(child, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    });
  }
}

export function untrack(pid: number): void {
  running.delete(pid);
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet (a zombie) still answers signal 0.
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true; // no procfs: trust the signal
  }
}
