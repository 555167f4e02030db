import { readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildahGlobalArgs } from './args.js';
import type { BuildahEngineOptions } from './options.js';
import { renderRegistriesConf } from './registries-conf.js';
import { makeBuildTempDir } from './temp-dir.js';

/** Where one build keeps its files, and the buildah flags that point at them. */
export interface BuildWorkspace {
  dir: string;
  globalArgs: string[];
  iidFile: string;
  authFile: string | null;
  digestFile(index: number): string;
  /** Removes the build's files, and its storage when the storage was its own. */
  dispose(): Promise<void>;
}

export async function createWorkspace(
  options: BuildahEngineOptions,
  insecureRegistries: readonly string[],
): Promise<BuildWorkspace> {
  const dir = await makeBuildTempDir(tmpdir(), 'buildah');
  const storageRoot =
    options.storageRoot === undefined ? join(dir, 'storage') : join(options.storageRoot, 'storage');
  const runRoot =
    options.runRoot ??
    (options.storageRoot === undefined ? join(dir, 'run') : join(options.storageRoot, 'run'));
  let registriesConf: string | null = null;
  if (insecureRegistries.length > 0) {
    registriesConf = join(dir, 'registries.conf');
    const base = await readOptional(options.registriesConfPath ?? '/etc/containers/registries.conf');
    await writeFile(registriesConf, renderRegistriesConf(base, insecureRegistries));
  }
  return {
    dir,
    globalArgs: buildahGlobalArgs({
      storageRoot,
      runRoot,
      storageDriver: options.storageDriver ?? 'vfs',
      registriesConf,
    }),
    iidFile: join(dir, 'iid'),
    authFile: options.dockerConfigDir === undefined ? null : join(options.dockerConfigDir, 'config.json'),
    digestFile: (index) => join(dir, `digest-${index}`),
    dispose: () => rm(dir, { recursive: true, force: true, maxRetries: 3 }),
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
