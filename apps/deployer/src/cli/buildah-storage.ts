import { type BuildahStorage, resolveBuildahStorage, type StorageDriver } from '@deployer/buildah-runner';
import type { FlagSpecs } from './args.js';
import { UsageError } from './errors.js';

const drivers: readonly StorageDriver[] = ['overlay', 'vfs'];

export const buildahStorageFlags = {
  'buildah-storage-driver': {
    type: 'string',
    value: '<driver>',
    choices: drivers,
    description:
      'buildah storage driver, overlay or vfs (DEPLOYER_BUILDAH_STORAGE_DRIVER; default overlay when it works here, else vfs)',
  },
} as const satisfies FlagSpecs;

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
  return resolveBuildahStorage({
    env,
    ...(value !== undefined && { storageDriver: value as StorageDriver, storageDriverSource: source }),
    ...(env.DEPLOYER_BUILDAH_ROOT && { storageRoot: env.DEPLOYER_BUILDAH_ROOT }),
  });
}
