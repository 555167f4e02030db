import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive } from './process-alive.js';

/**
 * Stops one process (not its group: e.g. a detached server another run started): SIGTERM, up to
 * `graceMs` for it to go, then SIGKILL. Resolves once it is gone or was killed.
 */
export async function terminate(pid: number, graceMs = 5_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const deadline = Date.now() + graceMs;
  while (isAlive(pid) && Date.now() < deadline) await sleep(25);
  if (isAlive(pid)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Exited in between.
    }
  }
}
