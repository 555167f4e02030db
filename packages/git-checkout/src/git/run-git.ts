import { ProcessError, runProcess } from '@deployer/process';
import { GitCheckoutError, type GitCheckoutErrorCode } from '../errors.js';
import { gitConfigArgs, gitEnvironment } from './git-environment.js';

export interface GitResult {
  exitCode: number | null;
  stdout: string[];
  /** The last lines git wrote to stderr, for error messages. */
  stderrTail: string[];
}

const stderrLines = 20;

/**
 * Runs `git <safe -c settings> <args>` (argv only) against the repository at `gitDir` (none for `init`).
 * Throws ABORTED when the signal stopped it and GIT_NOT_FOUND when git cannot start; a git that ran and
 * failed is a result, for the caller to name the step.
 */
export async function runGit(
  args: readonly string[],
  options: { gitDir?: string; workTree?: string; signal?: AbortSignal },
): Promise<GitResult> {
  const stdout: string[] = [];
  const stderrTail: string[] = [];
  let outcome: Awaited<ReturnType<typeof runProcess>>;
  try {
    outcome = await runProcess({
      file: 'git',
      args: [...gitConfigArgs, ...args],
      env: gitEnvironment(options.gitDir, options.workTree),
      signal: options.signal,
      killGraceMs: 2_000,
      onLine: (stream, line) => {
        if (stream === 'stdout') stdout.push(line);
        else {
          stderrTail.push(line);
          if (stderrTail.length > stderrLines) stderrTail.shift();
        }
      },
    });
  } catch (error) {
    if (error instanceof ProcessError) {
      throw new GitCheckoutError('GIT_NOT_FOUND', `cannot start git: ${error.message}`, { cause: error });
    }
    throw error;
  }
  if (outcome.stoppedBy !== null) {
    throw new GitCheckoutError('ABORTED', `git ${args[0]} was stopped: the checkout was aborted`);
  }
  return { exitCode: outcome.exitCode, stdout, stderrTail };
}

/** Runs git and throws `code` with git's own last words when it does not exit 0. */
export async function runGitStep(
  code: GitCheckoutErrorCode,
  what: string,
  args: readonly string[],
  options: { gitDir?: string; workTree?: string; signal?: AbortSignal },
): Promise<string[]> {
  const result = await runGit(args, options);
  if (result.exitCode !== 0) {
    const said = result.stderrTail.filter((line) => line.trim() !== '').join('\n  ');
    throw new GitCheckoutError(
      code,
      `${what}: git ${args[0]} exited ${result.exitCode}${said === '' ? '' : `:\n  ${said}`}`,
    );
  }
  return result.stdout;
}
