import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeOwnedTempDir, unmountUnder } from '@deployer/process';
import type { BuildahEngineOptions } from '../engine/options.js';
import type { StorageDriver } from './buildah-command.js';
import { buildahGlobalArgs } from './buildah-command.js';
import { renderRegistriesConf } from './registries-conf.js';

/** Where one build keeps its files, and the buildah flags that point at them. */
export interface WorkspaceLayout {
  dir: string;
  globalArgs: string[];
  iidFile: string;
  authFile: string | null;
  /** A registries.conf marking the insecure registries; null when there are none. */
  registriesConf: string | null;
  digestFile(index: number): string;
}

export interface BuildWorkspace extends WorkspaceLayout {
  /** Removes the build's files, and its storage when the storage was its own. */
  dispose(): Promise<void>;
}

/** The paths and flags of a workspace in `dir`, creating nothing: a build's, or a plan's with a placeholder. */
export function workspaceLayout(
  dir: string,
  options: BuildahEngineOptions,
  storageDriver: StorageDriver,
  insecureRegistries: readonly string[],
): WorkspaceLayout {
  const storageRoot =
    options.storageRoot === undefined ? join(dir, 'storage') : join(options.storageRoot, 'storage');
  const runRoot =
    options.runRoot ??
    (options.storageRoot === undefined ? join(dir, 'run') : join(options.storageRoot, 'run'));
  const registriesConf = insecureRegistries.length > 0 ? join(dir, 'registries.conf') : null;
  return {
    dir,
    globalArgs: buildahGlobalArgs({
      storageRoot,
      runRoot,
      storageDriver,
      registriesConf,
    }),
    iidFile: join(dir, 'iid'),
    authFile: options.dockerConfigDir === undefined ? null : join(options.dockerConfigDir, 'config.json'),
    registriesConf,
    digestFile: (index) => join(dir, `digest-${index}`),
  };
}

export async function createWorkspace(
  options: BuildahEngineOptions,
  storageDriver: StorageDriver,
  insecureRegistries: readonly string[],
): Promise<BuildWorkspace> {
  const dir = await makeOwnedTempDir(tmpdir(), 'buildah');
  const layout = workspaceLayout(dir, options, storageDriver, insecureRegistries);
  if (layout.registriesConf !== null) {
    const base = await readOptional(options.registriesConfPath ?? '/etc/containers/registries.conf');
    await writeFile(layout.registriesConf, renderRegistriesConf(base, insecureRegistries));
  }
  return {
    ...layout,
    dispose: async () => {
      // The build's own storage (no storageRoot given) lives in `dir`: release buildah's leftover mounts.
      if (options.storageRoot === undefined) await unmountUnder(dir);
      await rm(dir, { recursive: true, force: true, maxRetries: 3 });
    },
  };
}

async function readOptional(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw error;
  }
}
