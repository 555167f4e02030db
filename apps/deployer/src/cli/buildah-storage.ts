import type { BuildahStorage, StorageDriver } from '@deployer/buildah-runner';
import { UsageError } from './errors.js';

/** buildah's storage drivers, as `--buildah-storage-driver` takes them (planning-flags.ts lists them too). */
export const buildahStorageDrivers: readonly StorageDriver[] = ['overlay', 'vfs'];
const drivers = buildahStorageDrivers;

/**
 * buildah's storage for this run: `DEPLOYER_BUILDAH_ROOT` or the machine's persistent storage, with the
 * driver from `--buildah-storage-driver`, `DEPLOYER_BUILDAH_STORAGE_DRIVER` or the once-per-machine probe.
 * A driver that is neither `overlay` nor `vfs` is bad input naming where it came from.
 */
export async function buildahStorageFromFlags(
  command: string,
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): Promise<BuildahStorage> {
  const fromEnv = env.DEPLOYER_BUILDAH_STORAGE_DRIVER;
  const [source, value] =
    flag !== undefined
      ? ['--buildah-storage-driver', flag]
      : fromEnv !== undefined && fromEnv !== ''
        ? ['DEPLOYER_BUILDAH_STORAGE_DRIVER', fromEnv]
        : [undefined, undefined];
  if (value !== undefined && !drivers.includes(value as StorageDriver)) {
    throw new UsageError(
      `${source} ${JSON.stringify(value)}: buildah's storage driver must be one of ${drivers.join(', ')}`,
      command,
    );
  }
  // buildah-runner only now, on the buildah engine's path: `--help` and the BuildKit engines never load it.
  const { resolveBuildahStorage } = await import('@deployer/buildah-runner');
  return resolveBuildahStorage({
    env,
    ...(value !== undefined && { storageDriver: value as StorageDriver, storageDriverSource: source }),
    ...(env.DEPLOYER_BUILDAH_ROOT && { storageRoot: env.DEPLOYER_BUILDAH_ROOT }),
  });
}
