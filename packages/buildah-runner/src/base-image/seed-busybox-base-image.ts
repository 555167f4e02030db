import { copyFile, mkdir, mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CodedError } from '@deployer/contracts';
import { ProcessError, runProcess } from '@deployer/process';
import { buildahGlobalArgs, buildahPushArgs, type StorageDriver } from '../command-line/buildah-command.js';

/** A buildah (or busybox) command of seedBusyboxBaseImage failed; the message names it, with its stderr. */
export class SeedBaseImageError extends CodedError<'SEED_FAILED'> {
  override readonly name = 'SeedBaseImageError';
}

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
  storageDriver?: StorageDriver;
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
  const global = buildahGlobalArgs({
    storageRoot: join(storage, 'storage'),
    runRoot: join(storage, 'run'),
    storageDriver: options.storageDriver ?? 'vfs',
  });
  const buildah = (args: string[]) =>
    runCommand(ref, `buildah ${args[0]}`, options.buildahPath ?? 'buildah', [...global, ...args], env);

  try {
    const rootfs = join(dir, 'rootfs');
    await mkdir(join(rootfs, 'bin'), { recursive: true });
    await mkdir(join(rootfs, 'tmp'));
    await copyFile(busybox, join(rootfs, 'bin', 'busybox'));
    const applets = (await runCommand(ref, `${busybox} --list`, busybox, ['--list'], env)).split('\n');
    for (const applet of applets) {
      if (applet !== '' && applet !== 'busybox') await symlink('busybox', join(rootfs, 'bin', applet));
    }
    const container = await buildah(['from', 'scratch']);
    await buildah(['copy', container, rootfs, '/']);
    await buildah(['config', '--cmd=["/bin/sh"]', '--env=PATH=/bin', container]);
    const imageId = await buildah(['commit', '--quiet', '--rm', container]);
    const digestFile = join(dir, 'digest');
    await buildah(
      buildahPushArgs({
        image: imageId,
        ref,
        digestFile,
        // Only a plain-HTTP registry turns TLS verification off.
        insecure,
        authFile: options.authFile ?? null,
      }),
    );
    return { ref, digest: (await readFile(digestFile, 'utf8')).trim() };
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 3 });
  }
}

/** One command through @deployer/process; its stdout, trimmed. A failure names the command and its stderr. */
async function runCommand(
  ref: string,
  what: string,
  file: string,
  args: string[],
  env: Readonly<Record<string, string | undefined>>,
): Promise<string> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  try {
    const outcome = await runProcess({
      file,
      args,
      env,
      extendEnv: false,
      killGraceMs: 5_000,
      onLine: (stream, line) => (stream === 'stdout' ? stdout : stderr).push(line),
    });
    if (outcome.exitCode === 0) return stdout.join('\n').trim();
    const ended = outcome.exitCode === null ? ` (killed by ${outcome.signal})` : '';
    throw new SeedBaseImageError(
      'SEED_FAILED',
      `seeding ${ref}: ${what} failed${ended}: ${stderr.join('\n').trim()}`,
    );
  } catch (error) {
    if (!(error instanceof ProcessError)) throw error;
    throw new SeedBaseImageError('SEED_FAILED', `seeding ${ref}: ${error.message}`, { cause: error });
  }
}
