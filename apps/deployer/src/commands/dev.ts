import { rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { seedBusyboxBaseImage } from '@deployer/buildah-runner';
import { findRunningRegistry, startLocalRegistry, stopByPid } from '@deployer/local-registry';
import { RegistryClient } from '@deployer/registry';
import { parseFlags } from '../cli/args.js';
import type { CommandContext } from '../cli/command.js';
import { UsageError } from '../cli/errors.js';
import { dirFlag, downFlags, upFlags } from './usage/dev.js';

const baseImage = 'base/busybox:latest';

function stackDir(flags: { dir?: string | undefined }, context: CommandContext): string {
  return resolve(context.cwd, flags.dir ?? context.env.DEPLOYER_DEV_DIR ?? '.deployer');
}

function registryDir(dir: string): string {
  return join(dir, 'registry');
}

interface StackStatus {
  running: boolean;
  registry: string | null;
  url: string | null;
  pid: number | null;
  baseImage: string | null;
  dataDir: string;
}

async function status(dir: string): Promise<StackStatus> {
  const state = await findRunningRegistry(registryDir(dir));
  if (state === undefined) {
    return { running: false, registry: null, url: null, pid: null, baseImage: null, dataDir: dir };
  }
  const client = new RegistryClient({ host: state.host, insecure: true, credentials: 'anonymous' });
  const head = await client
    .headManifest(...(baseImage.split(':') as [string, string]))
    .catch(() => undefined);
  return {
    running: true,
    registry: state.host,
    url: state.url,
    pid: state.pid,
    baseImage: head ? `${state.host}/${baseImage}@${head.digest}` : null,
    dataDir: dir,
  };
}

function printStatus(context: CommandContext, current: StackStatus, json: boolean | undefined): void {
  if (json) {
    context.stdout.write(`${JSON.stringify(current, null, 2)}\n`);
    return;
  }
  if (!current.running) {
    context.stdout.write(`local stack: not running (data in ${current.dataDir})\n`);
    return;
  }
  context.stdout.write(
    [
      `registry    ${current.url} (pid ${current.pid}, data in ${registryDir(current.dataDir)})`,
      `base image  ${current.baseImage ?? '(not seeded: run deployer dev up)'}`,
      '',
      'Point builds at it:',
      `  export DEPLOYER_REGISTRY=${current.registry} DEPLOYER_INSECURE_REGISTRIES=${current.registry}`,
      '',
    ].join('\n'),
  );
}

export async function runDevUp(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags } = parseFlags('dev up', argv, upFlags);
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && !(Number.isInteger(port) && port > 0 && port < 65536)) {
    throw new UsageError(
      `--port must be a port number from 1 to 65535 (got ${JSON.stringify(flags.port)})`,
      'dev up',
    );
  }
  const dir = stackDir(flags, context);
  let state = await findRunningRegistry(registryDir(dir));
  if (state === undefined) {
    const started = await startLocalRegistry({
      storageDir: registryDir(dir),
      detached: true,
      ...(port !== undefined && { port }),
    });
    state = { pid: started.pid, host: started.host, url: started.url, storageDir: started.storageDir };
  }
  const current = await status(dir);
  if (current.baseImage === null) {
    // Made from Debian's busybox-static: nothing is pulled from the internet.
    const seeded = await seedBusyboxBaseImage({ registry: state.host, image: baseImage, insecure: true });
    current.baseImage = `${seeded.ref}@${seeded.digest}`;
  }
  printStatus(context, current, flags.json);
  return 0;
}

export async function runDevDown(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags } = parseFlags('dev down', argv, downFlags);
  const dir = stackDir(flags, context);
  const stopped = await stopByPid(registryDir(dir));
  if (flags.purge) await rm(registryDir(dir), { recursive: true, force: true });
  const message = `${stopped ? 'local stack stopped' : 'local stack was not running'}${flags.purge ? '; data deleted' : ''}`;
  context.stdout.write(
    flags.json ? `${JSON.stringify({ stopped, purged: flags.purge ?? false })}\n` : `${message}\n`,
  );
  return 0;
}

export async function runDevStatus(argv: readonly string[], context: CommandContext): Promise<number> {
  const { flags } = parseFlags('dev status', argv, dirFlag);
  printStatus(context, await status(stackDir(flags, context)), flags.json);
  return 0;
}
