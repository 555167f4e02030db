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

const sweeps = new Map<string, Promise<unknown>>();

/**
 * Removes dead owners' directories of `kind` in `parent`, once per process: every call returns that one
 * sweep. A caller about to make such a directory may start it early (an engine's warm-up, beside the
 * registry's round trips), so makeOwnedTempDir finds it done.
 */
export function sweepDeadOwnersTempDirs(parent: string, kind: string): Promise<unknown> {
  const key = `${kind}\0${parent}`;
  let sweep = sweeps.get(key);
  if (sweep === undefined) {
    sweep = removeDeadOwnersTempDirs(parent, kind);
    sweeps.set(key, sweep);
  }
  return sweep;
}

/** Makes `<parent>/deployer-<kind>-<ns>-<pid>-XXXXXX`, once dead owners' ones are removed (see above). */
export async function makeOwnedTempDir(parent: string, kind: string): Promise<string> {
  await sweepDeadOwnersTempDirs(parent, kind);
  return mkdtemp(join(parent, ownedTempDirPrefix(kind, currentOwner())));
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
