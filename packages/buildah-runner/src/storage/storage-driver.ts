import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import type { StorageDriver } from '../command-line/buildah-command.js';
import { buildahGlobalArgs } from '../command-line/buildah-command.js';
import { runBuildah } from '../command-line/run-buildah.js';

export interface StorageDriverChoice {
  driver: StorageDriver;
  /** Why: asked for by flag or environment, or the probe's (remembered) result. */
  reason: string;
}

interface RememberedProbe {
  kernel: string;
  driver: StorageDriver;
  reason: string;
}

export interface ProbeStorageDriverOptions {
  /** Where the probe runs and its result is kept (`storage-driver.json`): the machine's buildah dir. */
  dir: string;
  buildahPath?: string;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * `overlay` when it works on this machine, else `vfs`, probed once per machine (and kernel) and
 * remembered in `<dir>/storage-driver.json`. overlay shares unchanged layers between steps where vfs
 * copies every layer whole at every step. The probe mounts a real overlay container in `dir`, the
 * filesystem the storage lives on (overlay on some filesystems, e.g. overlayfs itself, does not work).
 */
export async function probeStorageDriver(options: ProbeStorageDriverOptions): Promise<StorageDriverChoice> {
  const memory = join(options.dir, 'storage-driver.json');
  const kernel = release();
  const remembered = await readRemembered(memory);
  if (remembered?.kernel === kernel) {
    return { driver: remembered.driver, reason: `${remembered.reason} (probed once, ${memory})` };
  }
  await mkdir(options.dir, { recursive: true });
  const probeDir = await mkdtemp(join(options.dir, 'probe-'));
  let choice: StorageDriverChoice;
  try {
    const failure = await tryOverlay(probeDir, options);
    choice =
      failure === null
        ? { driver: 'overlay', reason: 'overlay works on this machine' }
        : { driver: 'vfs', reason: `overlay does not work here: ${failure}` };
  } finally {
    await rm(probeDir, { recursive: true, force: true, maxRetries: 3 });
  }
  // Written whole under a temporary name, then renamed: a concurrent probe never reads half a file.
  const partial = `${memory}.${process.pid}`;
  await writeFile(partial, `${JSON.stringify({ kernel, ...choice } satisfies RememberedProbe)}\n`);
  await rename(partial, memory);
  return choice;
}

/** null when a container on overlay storage could be created and mounted; else buildah's error. */
async function tryOverlay(dir: string, options: ProbeStorageDriverOptions): Promise<string | null> {
  const global = buildahGlobalArgs({
    storageRoot: join(dir, 'storage'),
    runRoot: join(dir, 'run'),
    storageDriver: 'overlay',
  });
  const run = async (args: string[]): Promise<{ ok: boolean; output: string[] }> => {
    const output: string[] = [];
    const outcome = await runBuildah(options.buildahPath ?? 'buildah', [...global, ...args], {
      env: options.env,
      killGraceMs: 2_000,
      deadline: Date.now() + 30_000,
      onLine: (_stream, line) => output.push(line),
    });
    return { ok: outcome.exitCode === 0 && outcome.stoppedBy === null, output };
  };
  const created = await run(['from', '--quiet', '--pull=never', 'scratch']);
  const container = created.output.at(-1)?.trim() ?? '';
  if (!created.ok || container === '') return lastLine(created.output);
  try {
    const mounted = await run(['mount', container]);
    return mounted.ok ? null : lastLine(mounted.output);
  } finally {
    await run(['rm', container]);
  }
}

function lastLine(output: readonly string[]): string {
  return output.filter((line) => line.trim() !== '').at(-1) ?? 'buildah failed without a message';
}

async function readRemembered(path: string): Promise<RememberedProbe | null> {
  try {
    const parsed = JSON.parse(await readFile(path, 'utf8')) as Partial<RememberedProbe>;
    if (parsed.driver !== 'vfs' && parsed.driver !== 'overlay') return null;
    if (typeof parsed.kernel !== 'string' || typeof parsed.reason !== 'string') return null;
    return parsed as RememberedProbe;
  } catch {
    return null;
  }
}
