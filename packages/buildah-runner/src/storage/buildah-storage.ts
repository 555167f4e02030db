import { join } from 'node:path';
import type { StorageDriver } from '../command-line/buildah-command.js';
import { machineBuildahDir } from './machine-storage.js';
import { probeStorageDriver } from './storage-driver.js';

export interface BuildahStorageRequest {
  /** Asked for by flag or environment; probed (`overlay` when it works, else `vfs`) when absent. */
  storageDriver?: StorageDriver;
  /** What asked for the driver, for the reason (`--buildah-storage-driver`, an environment variable). */
  storageDriverSource?: string;
  /** An explicit storage directory (DEPLOYER_BUILDAH_ROOT); the machine's persistent one when absent. */
  storageRoot?: string;
  buildahPath?: string;
  env: Readonly<Record<string, string | undefined>>;
}

/** Where a machine's builds keep buildah's storage, with which driver, and why: for wiring and the run header. */
export interface BuildahStorage {
  storageRoot: string;
  storageDriver: StorageDriver;
  /** Why this driver (asked for, or the probe's remembered result). */
  driverReason: string;
  /** `persistent` for the machine's storage, `given` for an explicit directory. */
  root: 'persistent' | 'given';
}

/**
 * The storage deployer's buildah builds use by default: one persistent storage per machine and driver
 * (`<machine buildah dir>/<driver>`, see machineBuildahDir), so a build repeated on one machine finds its
 * layers locally, as with a BuildKit daemon. Concurrent builds may share it: buildah's storage takes its
 * own locks. A storage is made for one driver, hence one directory per driver.
 */
export async function resolveBuildahStorage(request: BuildahStorageRequest): Promise<BuildahStorage> {
  const dir = machineBuildahDir(request.env);
  const choice =
    request.storageDriver === undefined
      ? await probeStorageDriver({
          dir,
          env: request.env,
          ...(request.buildahPath !== undefined && { buildahPath: request.buildahPath }),
        })
      : {
          driver: request.storageDriver,
          reason: `asked for by ${request.storageDriverSource ?? 'the storageDriver option'}`,
        };
  return {
    storageRoot: request.storageRoot ?? join(dir, choice.driver),
    storageDriver: choice.driver,
    driverReason: choice.reason,
    root: request.storageRoot === undefined ? 'persistent' : 'given',
  };
}
