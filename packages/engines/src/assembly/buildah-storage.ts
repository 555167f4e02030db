import type { BuildahStorage, StorageDriver } from '@deployer/buildah-runner';
import { EngineSettingsError } from './engine-settings-error.js';

/** buildah's storage drivers, as `--buildah-storage-driver` and DEPLOYER_BUILDAH_STORAGE_DRIVER take them. */
export const buildahStorageDrivers: readonly StorageDriver[] = ['overlay', 'vfs'];

/** The driver asked for, checked: `--buildah-storage-driver`, else DEPLOYER_BUILDAH_STORAGE_DRIVER. */
export function buildahStorageDriver(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
): { driver: StorageDriver; source: string } | undefined {
  const fromEnv = env.DEPLOYER_BUILDAH_STORAGE_DRIVER;
  const [source, value] =
    flag !== undefined
      ? ['--buildah-storage-driver', flag]
      : fromEnv !== undefined && fromEnv !== ''
        ? ['DEPLOYER_BUILDAH_STORAGE_DRIVER', fromEnv]
        : [undefined, undefined];
  if (source === undefined || value === undefined) return undefined;
  if (!buildahStorageDrivers.includes(value as StorageDriver)) {
    throw new EngineSettingsError(
      source,
      `${source} ${JSON.stringify(value)}: buildah's storage driver must be one of ${buildahStorageDrivers.join(', ')}`,
    );
  }
  return { driver: value as StorageDriver, source };
}

/**
 * buildah's storage for a run: `DEPLOYER_BUILDAH_ROOT` or the machine's persistent storage, with the
 * driver asked for or the once-per-machine probe's. buildah-runner loads only now, on buildah's path.
 */
export async function buildahStorage(
  driver: { driver: StorageDriver; source: string } | undefined,
  env: NodeJS.ProcessEnv,
): Promise<BuildahStorage> {
  const { resolveBuildahStorage } = await import('@deployer/buildah-runner');
  return resolveBuildahStorage({
    env,
    ...(driver !== undefined && { storageDriver: driver.driver, storageDriverSource: driver.source }),
    ...(env.DEPLOYER_BUILDAH_ROOT && { storageRoot: env.DEPLOYER_BUILDAH_ROOT }),
  });
}
