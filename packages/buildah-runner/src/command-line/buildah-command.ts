/** buildah's storage drivers deployer uses: `overlay` (fast, needs kernel overlay) or `vfs` (works anywhere). */
export type StorageDriver = 'vfs' | 'overlay';

export interface BuildahGlobalArgsInput {
  storageRoot: string;
  runRoot: string;
  storageDriver: StorageDriver;
  /** A registries.conf marking the insecure registries; null to use the system's. */
  registriesConf?: string | null;
}

/**
 * buildah's flags before the subcommand: a private storage, so builds (and the local registry's base
 * image seeding) never touch the user's images. The one composer for every buildah command deployer runs.
 */
export function buildahGlobalArgs(input: BuildahGlobalArgsInput): string[] {
  return [
    `--root=${input.storageRoot}`,
    `--runroot=${input.runRoot}`,
    `--storage-driver=${input.storageDriver}`,
    ...(input.registriesConf == null ? [] : [`--registries-conf=${input.registriesConf}`]),
  ];
}

export interface BuildahPushArgsInput {
  /** Local image name or id. */
  image: string;
  /** Destination `host/repository:tag`. */
  ref: string;
  digestFile: string | null;
  /** The destination registry speaks plain HTTP: only then is TLS verification off. */
  insecure: boolean;
  authFile: string | null;
  retryDelayMs?: number;
}

/** `buildah push` argv for one destination (after the global flags). */
export function buildahPushArgs(input: BuildahPushArgsInput): string[] {
  return [
    'push',
    ...(input.digestFile === null ? [] : [`--digestfile=${input.digestFile}`]),
    ...(input.insecure ? ['--tls-verify=false'] : []),
    ...(input.authFile === null ? [] : [`--authfile=${input.authFile}`]),
    ...(input.retryDelayMs === undefined ? [] : [`--retry-delay=${input.retryDelayMs}ms`]),
    input.image,
    `docker://${input.ref}`,
  ];
}
