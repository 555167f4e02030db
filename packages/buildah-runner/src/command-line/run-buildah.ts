import { ProcessError, type ProcessOutcome, runProcess } from '@deployer/process';
import { BuildahError } from '../failures/errors.js';
import type { OutputStream } from '../progress/output-parser.js';

export interface RunOptions {
  /** buildah's whole environment (nothing of this process's is added). */
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
  /** Epoch ms after which buildah is stopped. */
  deadline?: number;
  killGraceMs: number;
  onLine: (stream: OutputStream, line: string) => void;
}

export type RunOutcome = ProcessOutcome;

/**
 * Runs one buildah command through @deployer/process: its own process group (RUN steps under chroot
 * isolation are buildah's children, killed with it on every exit), dying with deployer even when
 * deployer is SIGKILLed, output line by line. A buildah that cannot be started is a BuildahError.
 */
export async function runBuildah(
  file: string,
  args: readonly string[],
  options: RunOptions,
): Promise<RunOutcome> {
  try {
    return await runProcess({
      file,
      args,
      env: options.env,
      extendEnv: false,
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.deadline === undefined ? {} : { deadline: options.deadline }),
      killGraceMs: options.killGraceMs,
      onLine: options.onLine,
    });
  } catch (error) {
    if (!(error instanceof ProcessError)) throw error;
    throw new BuildahError(
      error.code === 'NOT_FOUND' ? 'BUILDAH_NOT_FOUND' : 'BUILD_FAILED',
      error.code === 'NOT_FOUND'
        ? `${file} not found: install buildah (Debian/Ubuntu: apt-get install buildah)`
        : `could not start ${file}: ${error.message}`,
      { kind: 'internal', cause: error.cause ?? error },
    );
  }
}
