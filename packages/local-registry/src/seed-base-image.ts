import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { LocalRegistryError } from './errors.js';

export interface SeedBusyboxOptions {
  /** `host[:port]` of the registry to push to. */
  registry: string;
  /** Repository and tag below the registry. Default `base/busybox:latest`. */
  image?: string;
  /** The registry speaks plain HTTP. Default true for loopback hosts, else false. */
  insecure?: boolean;
  /** A statically linked busybox (Debian: busybox-static). Default `/bin/busybox`. */
  busyboxPath?: string;
  /** Directory for buildah's storage; default a temporary one, removed afterwards. */
  storageRoot?: string;
  /** buildah's storage driver. Default `vfs`: works everywhere, no kernel overlay or fuse needed. */
  storageDriver?: 'vfs' | 'overlay';
  buildahPath?: string;
  /** A docker config.json with credentials for the registry. */
  authFile?: string;
  env?: Readonly<Record<string, string | undefined>>;
}

export interface SeededImage {
  /** `registry/image`, e.g. `127.0.0.1:5000/base/busybox:latest`. */
  ref: string;
  /** `sha256:…` of the pushed manifest. */
  digest: string;
}

/**
 * Pushes a minimal base image (a static busybox with its applets linked in /bin, `PATH=/bin`, `CMD sh`)
 * so Dockerfiles can build with no image from the internet. Made without running anything inside it, so
 * it needs no isolation at all.
 */
export async function seedBusyboxBaseImage(options: SeedBusyboxOptions): Promise<SeededImage> {
  const ref = `${options.registry}/${options.image ?? 'base/busybox:latest'}`;
  const busybox = options.busyboxPath ?? '/bin/busybox';
  const insecure =
    options.insecure ?? /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])(:\d+)?$/.test(options.registry);
  const dir = await mkdtemp(join(tmpdir(), 'deployer-seed-'));
  const storage = options.storageRoot ?? join(dir, 'storage');
  const env = options.env ?? process.env;
  // A private storage, so seeding never touches the user's images.
  const global = [
    `--root=${join(storage, 'storage')}`,
    `--runroot=${join(storage, 'run')}`,
    `--storage-driver=${options.storageDriver ?? 'vfs'}`,
  ];
  const buildah = async (args: string[]): Promise<string> => {
    const result = await execa(options.buildahPath ?? 'buildah', [...global, ...args], {
      env,
      extendEnv: false,
      stdin: 'ignore',
      reject: false,
    });
    if (result.exitCode !== 0) {
      throw new LocalRegistryError(
        'SEED_FAILED',
        `seeding ${ref}: buildah ${args[0]} failed: ${String(result.stderr).trim()}`,
      );
    }
    return String(result.stdout).trim();
  };

  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'tmp'));
    await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
    const applets = (await execa(busybox, ['--list'], { stdin: 'ignore' })).stdout.split('\n');
    for (const applet of applets) {
      if (applet !== '' && applet !== 'busybox') await symlink('busybox', join(rootfs, 'bin', applet));
    }
    const container = await buildah(['from', 'scratch']);
    await buildah(['copy', container, rootfs, '/']);
    await buildah(['config', '--cmd=["/bin/sh"]', '--env=PATH=/bin', container]);
    const imageId = await buildah(['commit', '--quiet', '--rm', container]);
    const digestFile = join(dir, 'digest');
    await buildah([
      'push',
      `--digestfile=${digestFile}`,
      // Only a plain-HTTP registry turns TLS verification off.
      ...(insecure ? ['--tls-verify=false'] : []),
      ...(options.authFile === undefined ? [] : [`--authfile=${options.authFile}`]),
      imageId,
      `docker://${ref}`,
    ]);
    return { ref, digest: (await readFile(digestFile, 'utf8')).trim() };
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}
