import { isAbsolute, join } from 'node:path';

/**
 * deployer's folder in the user's cache, for what a machine keeps between runs (buildah's storage, the
 * command's compiled code): `$XDG_CACHE_HOME/deployer`, else `<home>/.cache/deployer`; null with neither.
 * A relative XDG_CACHE_HOME is ignored, as the XDG spec asks.
 */
export function deployerCacheDir(
  env: Readonly<Record<string, string | undefined>>,
  home: string,
): string | null {
  const xdg = env.XDG_CACHE_HOME;
  if (xdg !== undefined && isAbsolute(xdg)) return join(xdg, 'deployer');
  return home === '' ? null : join(home, '.cache', 'deployer');
}
