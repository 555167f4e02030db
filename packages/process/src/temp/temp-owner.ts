/**
 * Names of the temporary directories a runner makes for one build (buildctl's metadata and trace files,
 * buildah's workspace and storage). A killed deployer cannot remove them, so each name says who made it:
 * `deployer-<kind>-<pid namespace>-<pid>-<random>`. A later run removes those whose maker is gone. Pure:
 * owned-temp-dir.ts reads the directory and tells which processes live.
 */

/** The process that makes temporary directories: its pid, and the pid namespace that pid is valid in. */
export interface TempOwner {
  /** The pid namespace's inode number on Linux; `0` where there are none. */
  pidNamespace: string;
  pid: number;
}

/** The prefix to hand `mkdtemp` for a directory of `kind` (e.g. `buildah`, `buildkit`) owned by `owner`. */
export function ownedTempDirPrefix(kind: string, owner: TempOwner): string {
  return `deployer-${kind}-${owner.pidNamespace}-${owner.pid}-`;
}

/**
 * Which of `names` (entries of the temporary directory) are directories of `kind` made by a process that no
 * longer runs. Only names made in the same pid namespace count: another namespace's pid (a container
 * sharing /tmp) cannot be checked, so its directories are never touched, nor are names of any other shape.
 */
export function staleTempDirs(
  names: readonly string[],
  kind: string,
  self: TempOwner,
  isRunning: (pid: number) => boolean,
): string[] {
  const pattern = new RegExp(`^deployer-${kind}-(\\d+)-(\\d+)-[A-Za-z0-9]{6}$`);
  return names.filter((name) => {
    const match = pattern.exec(name);
    if (match === null || match[1] !== self.pidNamespace) return false;
    const pid = Number(match[2]);
    return pid !== self.pid && !isRunning(pid);
  });
}

/** Reads the pid namespace out of the `/proc/self/ns/pid` link text (`pid:[4026531836]`); `0` otherwise. */
export function pidNamespaceOf(link: string | null): string {
  return /^pid:\[(\d+)\]$/.exec(link ?? '')?.[1] ?? '0';
}
