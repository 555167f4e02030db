import { once } from 'node:events';
import { accessSync, constants, statSync } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { planEngineLaunch } from '@deployer/cache-ref';
import { execa } from 'execa';
import { BuildahError } from './errors.js';
import type { OutputStream } from './output-parser.js';

export interface RunOptions {
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Epoch ms after which buildah is stopped. */
  deadline?: number;
  killGraceMs: number;
  onLine: (stream: OutputStream, line: string) => void;
}

export interface RunOutcome {
  exitCode: number | null;
  /** The signal buildah died from, if any. */
  signal: string | null;
  /** Set when this process stopped buildah. */
  stoppedBy: 'abort' | 'timeout' | null;
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch (error) {
    // ESRCH: the group is gone already.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

/**
 * Runs one buildah command in its own process group, streaming its output line by line. RUN steps under
 * chroot isolation are buildah's children; should buildah die they would live on, so on every exit the
 * whole group is killed: a stopped or killed build leaves no process behind. On Linux buildah runs through
 * `setpriv --pdeathsig KILL`, so it dies even when this process is SIGKILLed (and its chroot RUN steps
 * with it: buildah's chroot runtime dies with buildah).
 */
export async function runBuildah(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunOutcome> {
  if (options.signal?.aborted) return { exitCode: null, signal: null, stoppedBy: 'abort' };
  const { launch, warning } = planEngineLaunch({
    platform: process.platform,
    file,
    args,
    pathVariable: options.env.PATH,
    isExecutable,
  });
  if (warning !== null) warnOnce(warning);
  const subprocess = execa(launch.file, launch.args, {
    detached: true,
    env: options.env,
    extendEnv: false,
    stdin: 'ignore',
    buffer: false,
    reject: false,
  });
  const pid = subprocess.pid;
  let stoppedBy: RunOutcome['stoppedBy'] = null;
  let graceTimer: NodeJS.Timeout | undefined;
  const stop = (reason: 'abort' | 'timeout') => {
    if (stoppedBy !== null || pid === undefined) return;
    stoppedBy = reason;
    killGroup(pid, 'SIGTERM');
    graceTimer = setTimeout(() => killGroup(pid, 'SIGKILL'), options.killGraceMs);
  };
  const onAbort = () => stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadlineTimer =
    options.deadline === undefined
      ? undefined
      : setTimeout(() => stop('timeout'), Math.max(0, options.deadline - Date.now()));

  const reading = [
    readLines(subprocess.stdout, 'stdout', options),
    readLines(subprocess.stderr, 'stderr', options),
  ];
  try {
    if (pid === undefined) {
      const result = await subprocess;
      const code = (result.cause as NodeJS.ErrnoException | undefined)?.code;
      throw new BuildahError(
        code === 'ENOENT' ? 'BUILDAH_NOT_FOUND' : 'BUILD_FAILED',
        code === 'ENOENT'
          ? `${file} not found: install buildah (Debian/Ubuntu: apt-get install buildah)`
          : `could not start ${file}: ${result.shortMessage}`,
        { kind: 'internal', cause: result.cause },
      );
    }
    // Not the execa promise: it waits for the output pipes, which a leftover child may hold open.
    const [exitCode, signal] = (await once(subprocess, 'exit')) as [number | null, NodeJS.Signals | null];
    killGroup(pid, 'SIGKILL');
    // A process that left the group could still hold the pipes: stop reading after the grace time.
    await Promise.race([Promise.all(reading), sleep(options.killGraceMs)]);
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
    await subprocess;
    return { exitCode, signal, stoppedBy };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    clearTimeout(deadlineTimer);
    clearTimeout(graceTimer);
    if (pid !== undefined) {
      killGroup(pid, 'SIGKILL');
      await groupGone(pid, options.killGraceMs);
    }
  }
}

/** Waits (bounded) until no process of the group is left, so a caller never sees a build's leftovers. */
async function groupGone(pid: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      process.kill(-pid, 0);
    } catch {
      return;
    }
    await sleep(20);
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  process.emitWarning(message, { code: 'DEPLOYER_ENGINE_OUTLIVES_KILL' });
}

async function readLines(stream: Readable | null, name: OutputStream, options: RunOptions): Promise<void> {
  if (stream === null) return;
  const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
  lines.on('line', (line) => options.onLine(name, line));
  await once(lines, 'close');
}
