/** Whether a command runs and exits 0, within a short time. */
export type CommandProbe = (file: string, args: readonly string[]) => Promise<boolean>;

/** How long a probe may run: a docker whose daemon hangs must not hold up the choice. */
const PROBE_TIMEOUT_MS = 5_000;
/** A probe that overran gets this long between SIGTERM and SIGKILL. */
const PROBE_KILL_GRACE_MS = 1_000;

/**
 * A probe that runs commands with the given environment only (its PATH decides what is found), through
 * @deployer/process like every other process: its own group, dying with deployer, stopped at the timeout.
 * A command that is missing, cannot start, fails or overruns answers false.
 */
export function commandProbe(env: NodeJS.ProcessEnv = process.env): CommandProbe {
  return async (file, args) => {
    // Loaded on the first probe: `auto` with BUILDKIT_HOST set, or a named engine, probes nothing.
    const { ProcessError, runProcess } = await import('@deployer/process');
    try {
      const outcome = await runProcess({
        file,
        args,
        env,
        extendEnv: false,
        deadline: Date.now() + PROBE_TIMEOUT_MS,
        killGraceMs: PROBE_KILL_GRACE_MS,
      });
      return outcome.exitCode === 0 && outcome.stoppedBy === null;
    } catch (error) {
      if (error instanceof ProcessError) return false;
      throw error;
    }
  };
}
