import { readlinkSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { ownedTempDirPrefix, pidNamespaceOf, staleTempDirs, type TempOwner } from '@deployer/cache-ref';

/*
 * A build's temporary directory, named after this process (see @deployer/cache-ref's temp-owner): a
 * deployer killed mid-build cannot remove its own, so the first build of a later process removes those
 * whose maker is gone. buildkit-runner's temp-dir.ts has the same shape until the launchers are unified.
 */

const swept = new Set<string>();

/** Makes `<parent>/deployer-<kind>-<ns>-<pid>-XXXXXX`, first removing (once per process) dead ones. */
export async function makeBuildTempDir(parent: string, kind: string): Promise<string> {
  const owner = currentOwner();
  if (!swept.has(parent)) {
    swept.add(parent);
    const names = await readdir(parent).catch(() => []);
    for (const name of staleTempDirs(names, kind, owner, isRunning)) {
      // Best effort: another run may be removing it too, or it may hold files we may not delete.
      await rm(join(parent, name), { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
    }
  }
  return mkdtemp(join(parent, ownedTempDirPrefix(kind, owner)));
}

function currentOwner(): TempOwner {
  let link: string | null = null;
  try {
    link = readlinkSync('/proc/self/ns/pid');
  } catch {
    // No procfs (not Linux): no pid namespaces either.
  }
  return { pidNamespace: pidNamespaceOf(link), pid: process.pid };
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
