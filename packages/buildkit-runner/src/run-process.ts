import { execa } from 'execa';
import {
  groupAlive,
  signalGroup,
  stopGroup,
  trackGroup,
  untrackGroup,
  waitForGroupExit,
} from './process-group.js';

export interface RunProcessOptions {
  file: string;
  args: readonly string[];
  /** Added to this process's environment. */
  env: Readonly<Record<string, string>>;
  signal: AbortSignal;
  /** How long the group gets between SIGTERM and SIGKILL. */
  killGraceMs: number;
  onStdout: (chunk: Uint8Array) => void;
  onStderr: (chunk: Uint8Array) => void;
}

export interface ProcessOutcome {
  exitCode: number | null;
  /** The process was stopped because the signal aborted. */
  aborted: boolean;
  /** Set when the binary could not be started at all. */
  spawnError: { code: string | undefined; message: string } | null;
}

/** Runs a binary with an argv array (never a shell) in its own process group; abort stops the group. */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  if (options.signal.aborted) return { exitCode: null, aborted: true, spawnError: null };
  const subprocess = execa(options.file, [...options.args], {
    detached: true,
    env: { ...options.env },
    extendEnv: true,
    stdin: 'ignore',
    buffer: false,
    reject: false,
    stripFinalNewline: false,
  });
  const pid = subprocess.pid;
  subprocess.stdout?.on('data', options.onStdout);
  subprocess.stderr?.on('data', options.onStderr);

  let stopping: Promise<void> | undefined;
  const onAbort = () => {
    if (pid !== undefined) stopping ??= stopGroup(pid, options.killGraceMs);
  };
  if (pid !== undefined) trackGroup(pid);
  options.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const result = await subprocess;
    if (pid === undefined) {
      const code = typeof result.code === 'string' ? result.code : undefined;
      return {
        exitCode: null,
        aborted: false,
        spawnError: { code, message: result.shortMessage ?? String(result.message) },
      };
    }
    if (stopping !== undefined) await stopping;
    // Whatever buildctl left behind goes with it: nothing of a build outlives the build.
    else if (groupAlive(pid)) {
      signalGroup(pid, 'SIGKILL');
      await waitForGroupExit(pid, 5_000);
    }
    return { exitCode: result.exitCode ?? null, aborted: stopping !== undefined, spawnError: null };
  } finally {
    options.signal.removeEventListener('abort', onAbort);
    if (pid !== undefined) untrackGroup(pid);
  }
}
