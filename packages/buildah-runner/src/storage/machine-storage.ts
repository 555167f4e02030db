import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The machine's buildah directory for deployer: `$XDG_CACHE_HOME/deployer/buildah`, else
 * `~/.cache/deployer/buildah`. It holds the persistent storage per driver (`<dir>/<driver>`) and the
 * remembered storage driver probe, so repeated builds on one machine are warm locally, as with a
 * BuildKit daemon. A relative XDG_CACHE_HOME is ignored, as the XDG spec asks.
 */
export function machineBuildahDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_CACHE_HOME;
  const cacheHome = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env.HOME ?? homedir(), '.cache');
  return join(cacheHome, 'deployer', 'buildah');
}
