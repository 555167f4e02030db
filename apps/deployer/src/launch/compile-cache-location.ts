import { lstatSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deployerCacheDir } from '@deployer/process';

/** A variable that turns the cache off: set to anything but empty or `0`. */
const turnsOff = (value: string | undefined) => value !== undefined && value !== '' && value !== '0';

/**
 * Where deployer keeps its compiled code: `DEPLOYER_COMPILE_CACHE`, else `$XDG_CACHE_HOME/deployer/
 * compile-cache`, else `~/.cache/deployer/compile-cache`; null when turned off
 * (`DEPLOYER_DISABLE_COMPILE_CACHE=1`, or Node's own `NODE_DISABLE_COMPILE_CACHE=1`) or when there is no
 * home directory to put it in. A user's own directory, never a shared temp one: code read from it runs.
 */
export function compileCacheDirectory(env: NodeJS.ProcessEnv, home: string): string | null {
  if (turnsOff(env.DEPLOYER_DISABLE_COMPILE_CACHE) || turnsOff(env.NODE_DISABLE_COMPILE_CACHE)) return null;
  if (env.DEPLOYER_COMPILE_CACHE) return resolve(env.DEPLOYER_COMPILE_CACHE);
  const cacheDir = deployerCacheDir(env, home);
  return cacheDir === null ? null : join(cacheDir, 'compile-cache');
}

/**
 * Creates `directory` (private to its user) when missing, and says whether it is fit to hold code this
 * process will run: a real directory (no symbolic link), owned by this process's user (`uid`, where the
 * platform has users), writable by nobody else. Anyone who can write there could make deployer run their
 * code. Never throws: a directory that cannot be made or checked is unfit, and deployer runs uncached.
 */
export function isPrivateDirectory(directory: string, uid: number | undefined): boolean {
  try {
    mkdirSync(directory, { recursive: true, mode: 0o700 });
    const stats = lstatSync(directory);
    return stats.isDirectory() && (uid === undefined || stats.uid === uid) && (stats.mode & 0o022) === 0;
  } catch {
    return false;
  }
}
