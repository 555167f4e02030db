import { once } from 'node:events';
import { ProcessError } from '../errors.js';
import { trackChild, untrackChild } from '../group/live-children.js';
import { groupAlive, killGroup, stopGroup } from '../group/process-group.js';
import { launchOnThisHost } from '../launch/host-launch.js';
import { type OutputListeners, readOutput } from './read-output.js';

export interface RunProcessOptions extends OutputListeners {
  /** The program: a name looked up on PATH, or a path. */
  file: string;
  /** Its arguments: an argv array, never a shell string. */
  args: readonly string[];
  /** Added to this process's environment, or (with `extendEnv: false`) the whole environment. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Default true. */
  extendEnv?: boolean;
  /** Aborting stops the process group; the outcome says `stoppedBy: 'abort'`. */
  signal?: AbortSignal;
  /** Epoch ms after which the process group is stopped; the outcome says `stoppedBy: 'timeout'`. */
  deadline?: number;
  /** How long a stopped group gets between SIGTERM and SIGKILL. */
  killGraceMs: number;
}

export interface ProcessOutcome {
  /** null when the process died from a signal, or never ran (aborted before the start). */
  exitCode: number | null;
  /** The signal the process died from, if any. */
  signal: NodeJS.Signals | null;
  /** Set when runProcess stopped it: the signal aborted, or the deadline passed. */
  stoppedBy: 'abort' | 'timeout' | null;
}

let execaModule: Promise<typeof import('execa')> | undefined;
/**
 * execa (a quarter of a megabyte of code) loads with the first process, or with warmUpProcessRunner, not
 * with every command that could start one.
 */
const loadExeca = () => {
  execaModule ??= import('execa');
  return execaModule;
};

/**
 * Loads what runProcess runs with, in the background: for a caller about to wait on something else (the
 * registry) before its first process. Starts nothing; a load failure surfaces at runProcess. Loading is
 * work on this thread (execa's modules evaluate synchronously once bundled), so it starts once the
 * caller's own I/O is under way (setImmediate: after the event loop's next poll), not before its first
 * request has gone out.
 */
export function warmUpProcessRunner(): void {
  setImmediate(() => {
    loadExeca().catch(() => {});
  });
}

/**
 * Runs a program with an argv array (never a shell) as the leader of its own process group and resolves
 * once nothing of it is left: whatever the program left running in its group is killed when it exits. On
 * Linux it starts through `setpriv --pdeathsig KILL`, so it dies even when this process is SIGKILLed; it
 * is SIGKILLed when this process exits normally. Abort and deadline stop the whole group: SIGTERM, then
 * SIGKILL after `killGraceMs`. A program that cannot be started at all throws a ProcessError.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  const { execa } = await loadExeca();
  if (options.signal?.aborted) return { exitCode: null, signal: null, stoppedBy: 'abort' };
  const extendEnv = options.extendEnv ?? true;
  const env = { ...options.env };
  const pathVariable = extendEnv ? (env.PATH ?? process.env.PATH) : env.PATH;
  const launch = launchOnThisHost(options.file, options.args, pathVariable);
  const subprocess = execa(launch.file, launch.args, {
    detached: true,
    env,
    extendEnv,
    stdin: 'ignore',
    buffer: false,
    reject: false,
  });
  const pid = subprocess.pid;
  if (pid === undefined) throw spawnFailure(options.file, await subprocess);

  trackChild(pid, 'group');
  const reading = Promise.all([
    readOutput(subprocess.stdout, 'stdout', options),
    readOutput(subprocess.stderr, 'stderr', options),
  ]);
  let stoppedBy: ProcessOutcome['stoppedBy'] = null;
  let stopping: Promise<void> | undefined;
  const stop = (reason: 'abort' | 'timeout') => {
    if (stoppedBy !== null) return;
    stoppedBy = reason;
    stopping = stopGroup(pid, options.killGraceMs);
  };
  const onAbort = () => stop('abort');
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const deadlineTimer =
    options.deadline === undefined
      ? undefined
      : setTimeout(() => stop('timeout'), Math.max(0, options.deadline - Date.now()));

  try {
    // Not the execa promise: it waits for the output pipes, which a leftover child may hold open.
    const [exitCode, signal] = (await once(subprocess, 'exit')) as [number | null, NodeJS.Signals | null];
    options.signal?.removeEventListener('abort', onAbort);
    clearTimeout(deadlineTimer);
    // A stopped group keeps its grace; whatever a finished program left behind goes with it now.
    if (stopping !== undefined) await stopping;
    await killGroup(pid);
    // A process that left the group could still hold the pipes: stop reading after the grace time.
    await settleWithin(reading, options.killGraceMs);
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
    await subprocess;
    return { exitCode, signal, stoppedBy };
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    clearTimeout(deadlineTimer);
    if (groupAlive(pid)) await killGroup(pid);
    untrackChild(pid);
  }
}

async function settleWithin(promise: Promise<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const elapsed = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  try {
    await Promise.race([promise, elapsed]);
  } finally {
    clearTimeout(timer);
  }
}

function spawnFailure(
  file: string,
  result: { code?: unknown; cause?: unknown; shortMessage?: string; message?: string },
): ProcessError {
  const cause = result.cause as NodeJS.ErrnoException | undefined;
  const systemCode = typeof result.code === 'string' ? result.code : cause?.code;
  const detail = result.shortMessage ?? result.message ?? 'unknown error';
  return systemCode === 'ENOENT'
    ? new ProcessError('NOT_FOUND', `${file} not found (not installed, or not on PATH)`, {
        file,
        systemCode,
        cause,
      })
    : new ProcessError('SPAWN_FAILED', `could not start ${file}: ${systemCode ?? detail}`, {
        file,
        ...(systemCode === undefined ? {} : { systemCode }),
        cause,
      });
}
