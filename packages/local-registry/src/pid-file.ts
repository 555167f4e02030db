import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive, terminate } from '@deployer/process';

/** What a detached registry leaves in its storage directory so a later process can find or stop it. */
export interface RegistryState {
  pid: number;
  host: string;
  url: string;
  storageDir: string;
}

export const STATE_FILE = 'local-registry.json';

export function stateFilePath(storageDir: string): string {
  return join(storageDir, STATE_FILE);
}

export async function writeState(state: RegistryState): Promise<void> {
  await writeFile(stateFilePath(state.storageDir), `${JSON.stringify(state, null, 2)}\n`);
}

async function readState(storageDir: string): Promise<RegistryState | undefined> {
  try {
    const parsed = JSON.parse(await readFile(stateFilePath(storageDir), 'utf8')) as Partial<RegistryState>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.url !== 'string') {
      return undefined;
    }
    return { pid: parsed.pid, host: parsed.host, url: parsed.url, storageDir };
  } catch {
    return undefined;
  }
}

/** A pid can be reused after a reboot; only trust it when it still runs docker-registry. */
async function isRegistryProcess(pid: number): Promise<boolean> {
  if (!isAlive(pid)) return false;
  try {
    const cmdline = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return cmdline.includes('registry');
  } catch {
    // No procfs (not Linux): fall back to "alive".
    return true;
  }
}

/** The detached registry recorded in `storageDir`, if it is still running. */
export async function findRunningRegistry(storageDir: string): Promise<RegistryState | undefined> {
  const state = await readState(storageDir);
  if (!state) return undefined;
  return (await isRegistryProcess(state.pid)) ? state : undefined;
}

/**
 * Stops the detached registry recorded in `storageDir` (see `startLocalRegistry({ detached: true })`).
 * Returns false when none was running. Removes the state file either way.
 */
export async function stopByPid(storageDir: string): Promise<boolean> {
  const state = await findRunningRegistry(storageDir);
  if (state) await terminate(state.pid);
  await rm(stateFilePath(storageDir), { force: true });
  return state !== undefined;
}
