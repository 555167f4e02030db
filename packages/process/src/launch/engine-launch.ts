/**
 * How a runner launches an engine (buildctl, docker buildx, buildah) so that it dies with deployer, however
 * deployer dies — SIGKILL included, when no exit hook runs. On Linux the engine is started through
 * util-linux's `setpriv --pdeathsig KILL --`: setpriv asks the kernel to SIGKILL it when its parent dies,
 * then execs the engine in place (same pid, so the engine's process group is unchanged), and the setting
 * survives that exec. Pure: host-launch.ts probes the file system and passes in what it found.
 */

/** An argv to start: `file` and its arguments, never a shell string. */
export interface EngineLaunch {
  file: string;
  args: string[];
}

/** The signal the kernel sends an engine whose parent died. */
export const parentDeathSignal = 'KILL';

/** Prefixes the engine's argv with setpriv's; without setpriv (`null`) the engine is launched as it is. */
export function dieWithParentLaunch(
  setprivPath: string | null,
  file: string,
  args: readonly string[],
): EngineLaunch {
  if (setprivPath === null) return { file, args: [...args] };
  return { file: setprivPath, args: ['--pdeathsig', parentDeathSignal, '--', file, ...args] };
}

export interface ExecutableLookup {
  /** The PATH variable to search (`:`-separated), as the engine's environment would have it. */
  pathVariable: string | undefined;
  /** The caller's file-system check: whether `path` is an executable file. */
  isExecutable: (path: string) => boolean;
}

/**
 * Where `name` would be executed from: a name with a `/` as it is, otherwise the first match on PATH (an
 * empty entry meaning the working directory, as execvp does); `null` when there is none.
 */
export function findExecutable(name: string, lookup: ExecutableLookup): string | null {
  if (name === '') return null;
  if (name.includes('/')) return lookup.isExecutable(name) ? name : null;
  for (const dir of (lookup.pathVariable ?? '').split(':')) {
    const candidate = dir === '' ? `./${name}` : `${dir.replace(/\/+$/, '')}/${name}`;
    if (lookup.isExecutable(candidate)) return candidate;
  }
  return null;
}

export interface EngineLaunchInput extends ExecutableLookup {
  /** `process.platform` of the runner. */
  platform: string;
  /** The engine binary as configured (a name looked up on PATH, or a path). */
  file: string;
  /** The engine's own argv, as `plan --json` shows it. */
  args: readonly string[];
}

export interface PlannedEngineLaunch {
  launch: EngineLaunch;
  /** Whether the kernel kills the engine when deployer dies. */
  diesWithParent: boolean;
  /** Why it does not, when that is a gap of this host worth one warning (Linux without setpriv). */
  warning: string | null;
}

/**
 * The argv that starts an engine so that it dies with deployer: through setpriv on Linux. An engine that
 * cannot be found is launched as it is, so the spawn fails as before and names the engine, not setpriv.
 */
export function planEngineLaunch(input: EngineLaunchInput): PlannedEngineLaunch {
  const engine = findExecutable(input.file, input);
  if (input.platform !== 'linux' || engine === null) {
    return {
      launch: dieWithParentLaunch(null, input.file, input.args),
      diesWithParent: false,
      warning: null,
    };
  }
  const setpriv = findExecutable('setpriv', input);
  if (setpriv === null) {
    return {
      launch: dieWithParentLaunch(null, input.file, input.args),
      diesWithParent: false,
      warning: `setpriv is not on PATH (Debian/Ubuntu: apt-get install util-linux): ${input.file} would outlive a killed deployer`,
    };
  }
  return { launch: dieWithParentLaunch(setpriv, engine, input.args), diesWithParent: true, warning: null };
}
