import { readlinkSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isAlive } from '../group/process-alive.js';
import { ownedTempDirPrefix, pidNamespaceOf, staleTempDirs, type TempOwner } from './temp-owner.js';
import { unmountUnder } from './unmount-under.js';

/*
 * A build's temporary directory, named after this process (see temp-owner.ts): a deployer killed mid-build
 * cannot remove its own, so the first directory of a kind a later process makes removes those whose maker
 * is gone.
 */

const swept = new Set<string>();

/** Makes `<parent>/deployer-<kind>-<ns>-<pid>-XXXXXX`, first removing (once per process) dead owners' ones. */
export async function makeOwnedTempDir(parent: string, kind: string): Promise<string> {
  const owner = currentOwner();
  const key = `${kind}\0${parent}`;
  if (!swept.has(key)) {
    swept.add(key);
    await removeDeadOwnersTempDirs(parent, kind, owner);
  }
  return mkdtemp(join(parent, ownedTempDirPrefix(kind, owner)));
}

/** Removes the directories of `kind` in `parent` whose owner no longer runs; returns their names. */
export async function removeDeadOwnersTempDirs(
  parent: string,
  kind: string,
  owner: TempOwner = currentOwner(),
): Promise<string[]> {
  const names = await readdir(parent).catch(() => []);
  const stale = staleTempDirs(names, kind, owner, isAlive);
  for (const name of stale) {
    // Best effort: another run may be removing it too, or it may hold files we may not delete.
    // A killed buildah on overlay storage leaves its mounts inside: they go first.
    await unmountUnder(join(parent, name));
    await rm(join(parent, name), { recursive: true, force: true, maxRetries: 3 }).catch(() => {});
  }
  return stale;
}

/** This process as the owner of temporary directories. */
export function currentOwner(): TempOwner {
  let link: string | null = null;
  try {
    link = readlinkSync('/proc/self/ns/pid');
  } catch {
    // No procfs (not Linux): no pid namespaces either.
  }
  return { pidNamespace: pidNamespaceOf(link), pid: process.pid };
}
