import { homedir } from 'node:os';
import { join } from 'node:path';
import { deployerCacheDir } from '@deployer/process';

/**
 * The machine's buildah directory for deployer: `buildah` in deployer's cache folder (`$XDG_CACHE_HOME/
 * deployer`, else `~/.cache/deployer`: see deployerCacheDir). It holds the persistent storage per driver
 * (`<dir>/<driver>`) and the remembered storage driver probe, so repeated builds on one machine are warm
 * locally, as with a BuildKit daemon.
 */
export function machineBuildahDir(env: Readonly<Record<string, string | undefined>>): string {
  return join(deployerCacheDir(env, env.HOME ?? homedir()) ?? join('.cache', 'deployer'), 'buildah');
}
