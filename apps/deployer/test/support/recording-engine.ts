import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';

export interface RecordingEngine {
  /** Put first on PATH: its `binary` records each argv, then runs the real one. */
  dir: string;
  /** Every recorded argv (without the program), the build's temp directory as `<temp>`. */
  runs(): Promise<string[][]>;
}

/**
 * A stand-in for `binary` (buildctl, buildah) that writes each argv it gets, NUL-separated, to a file of
 * its own and then execs the real binary from PATH: the build is real, and its argv is known exactly.
 */
export async function recordingEngine(binary: string, tempPrefix: string): Promise<RecordingEngine> {
  const real = (process.env.PATH ?? '')
    .split(delimiter)
    .map((dir) => join(dir, binary))
    .find((path) => existsSync(path));
  if (real === undefined) throw new Error(`${binary} is not on PATH`);
  const dir = await mkdtemp(join(tmpdir(), `deployer-recording-${binary}-`));
  await writeFile(
    join(dir, binary),
    `#!/bin/sh\nprintf '%s\\0' "$@" > "${dir}/run-$$"\nexec "${real}" "$@"\n`,
  );
  await chmod(join(dir, binary), 0o755);
  const buildDir = new RegExp(`${tmpdir()}/${tempPrefix}[^/]+`, 'g');
  return {
    dir,
    async runs() {
      const files = (await readdir(dir)).filter((name) => name.startsWith('run-'));
      const argvs = await Promise.all(
        files.map(async (name) => (await readFile(join(dir, name), 'utf8')).split('\0').slice(0, -1)),
      );
      return argvs.map((argv) => argv.map((arg) => arg.replace(buildDir, '<temp>')));
    },
  };
}
