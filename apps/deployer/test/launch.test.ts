import { chmod, copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, runCli } from './run-cli.js';

// The bin runs the command's bundle with V8's compiled code kept between runs (src/launch/). Checked on
// the real bin: what a run says it used (DEPLOYER_DEBUG_COMPILE_CACHE=1), what it leaves on disk, and that
// the command's output never depends on it.

let scratch: string;
beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'deployer-launch-test-'));
});
afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const debug = (directory: string) => ({
  DEPLOYER_COMPILE_CACHE: directory,
  DEPLOYER_DEBUG_COMPILE_CACHE: '1',
});
const cacheLine = (stderr: string) => /^deployer: compile cache (\w+): (.+)$/m.exec(stderr);

describe('the compile cache', () => {
  it('is written by a first successful run and used by the next, with the same output', async () => {
    const directory = join(scratch, 'fresh');
    const first = await runCli(['build', '--help'], { env: debug(directory) });
    expect(first.exitCode).toBe(0);
    expect(cacheLine(first.stderr)?.[1]).toBe('none');
    const file = cacheLine(first.stderr)?.[2] ?? '';
    expect(file.startsWith(`${directory}/${process.version}-${process.arch}-`)).toBe(true);
    expect(file.endsWith('-build-help.v8-cache')).toBe(true);
    expect(await readdir(directory)).toEqual([file.slice(directory.length + 1)]);

    const second = await runCli(['build', '--help'], { env: debug(directory) });
    expect(second.exitCode).toBe(0);
    expect(cacheLine(second.stderr)?.slice(1)).toEqual(['used', file]);
    expect(second.stdout).toBe(first.stdout);
    expect(second.stdout).toContain('--uuid');
  });

  it('rejected (not V8 code), is rewritten; the run is unaffected', async () => {
    const directory = join(scratch, 'corrupt');
    const { stderr, stdout: expected } = await runCli(['--help'], { env: debug(directory) });
    const file = cacheLine(stderr)?.[2] ?? '';
    await writeFile(file, 'not compiled code at all');
    const rejected = await runCli(['--help'], { env: debug(directory) });
    expect(rejected.exitCode).toBe(0);
    expect(cacheLine(rejected.stderr)?.[1]).toBe('rejected');
    expect(rejected.stdout).toBe(expected);
    expect((await readFile(file)).toString()).not.toBe('not compiled code at all');
    expect(cacheLine((await runCli(['--help'], { env: debug(directory) })).stderr)?.[1]).toBe('used');
  });

  it('is not written by a run that failed', async () => {
    const directory = join(scratch, 'failed');
    const failed = await runCli(['build', '--no-such-flag'], { env: debug(directory) });
    expect(failed.exitCode).toBe(2);
    expect(cacheLine(failed.stderr)?.[1]).toBe('none');
    expect(await readdir(directory)).toEqual([]);
  });

  it('is not used in a directory others may write to, nor when turned off, nor with source maps on', async () => {
    const shared = join(scratch, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    const off = join(scratch, 'off');
    const runs = [
      await runCli(['--help'], { env: debug(shared) }),
      await runCli(['--help'], { env: { ...debug(off), DEPLOYER_DISABLE_COMPILE_CACHE: '1' } }),
      await runCli(['--help'], { env: { ...debug(off), NODE_OPTIONS: '--enable-source-maps' } }),
    ];
    for (const run of runs) {
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('commands:');
      expect(cacheLine(run.stderr)).toBeNull();
    }
    expect(await readdir(shared)).toEqual([]);
    expect(await readdir(off).catch(() => [])).toEqual([]);
  });
});

describe('the bin', () => {
  it('says to build first where the command is not built (exit 2)', async () => {
    const unbuilt = join(scratch, 'unbuilt');
    await mkdir(join(unbuilt, 'bin'), { recursive: true });
    await copyFile(binPath, join(unbuilt, 'bin', 'deployer.cjs'));
    await writeFile(join(unbuilt, 'package.json'), '{ "version": "0.0.0" }\n');
    const { execa } = await import('execa');
    const result = await execa('node', [join(unbuilt, 'bin', 'deployer.cjs'), '--help'], { reject: false });
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('not built yet (no dist/launch.cjs); run `pnpm build` first');
  });
});
