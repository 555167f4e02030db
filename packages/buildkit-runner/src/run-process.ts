import { accessSync, constants, statSync } from 'node:fs';
import { planEngineLaunch } from '@deployer/cache-ref';
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

/**
 * Runs a binary with an argv array (never a shell) in its own process group; abort stops the group. On
 * Linux it runs through `setpriv --pdeathsig KILL`, so it dies even when this process is SIGKILLed.
 */
export async function runProcess(options: RunProcessOptions): Promise<ProcessOutcome> {
  if (options.signal.aborted) return { exitCode: null, aborted: true, spawnError: null };
  const { launch, warning } = planEngineLaunch({
    platform: process.platform,
    file: options.file,
    args: options.args,
    pathVariable: options.env.PATH ?? process.env.PATH,
    isExecutable,
  });
  if (warning !== null) warnOnce(warning);
  const subprocess = execa(launch.file, launch.args, {
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
