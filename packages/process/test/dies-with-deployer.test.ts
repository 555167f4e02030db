import { mkdtemp, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { listProcesses, waitFor } from './helpers/processes.js';

// A real parent process (node, running the built package) that starts a child through runProcess, then
// dies: the child must not outlive it.
const dist = pathToFileURL(join(import.meta.dirname, '..', 'dist', 'index.js')).href;
const linux = process.platform === 'linux';
const hasSetpriv = linux && (await execa('setpriv', ['--version'], { reject: false })).exitCode === 0;

function parent(marker: string, then: string, path?: string) {
  const script = `
    import { runProcess } from ${JSON.stringify(dist)};
    const running = runProcess({ file: 'sleep', args: [${JSON.stringify(marker)}], killGraceMs: 1000, env: process.env.TEST_PATH ? { PATH: process.env.TEST_PATH } : {} });
    setTimeout(() => { ${then} }, 1000);
    await running;
  `;
  return execa(process.execPath, ['--input-type=module', '-e', script], {
    reject: false,
    env: path === undefined ? {} : { TEST_PATH: path },
  });
}

const sleepers = (marker: string) =>
  listProcesses().filter(
    (p) => basename(p.argv[0] ?? '') === 'sleep' && p.argv[1] === marker && p.state !== 'Z',
  );

describe('a child of runProcess', () => {
  it.runIf(hasSetpriv)('dies when its parent is SIGKILLed (setpriv --pdeathsig KILL)', async () => {
    const marker = `${70 + Math.random()}`;
    const child = parent(marker, '');
    const [sleeper] = await waitFor(() => (sleepers(marker).length > 0 ? sleepers(marker) : undefined));
    // Launched through setpriv, which execs sleep in place: sleep itself carries the parent-death signal.
    expect(await readFile(`/proc/${sleeper?.pid}/cmdline`, 'utf8')).not.toContain('setpriv');
    child.kill('SIGKILL');
    await child;
    await waitFor(() => (sleepers(marker).length === 0 ? true : undefined), 5_000);
    expect(sleepers(marker)).toEqual([]);
  });

  it('is killed by the exit hook when its parent exits without stopping it (no setpriv on PATH)', async () => {
    const marker = `${80 + Math.random()}`;
    // A PATH with sleep but without setpriv: only the exit hook (trackChild) stands between sleep and a leak.
    const bin = await mkdtemp(join(tmpdir(), 'process-path-'));
    await symlink((await execa('sh', ['-c', 'command -v sleep'])).stdout, join(bin, 'sleep'));
    const child = parent(marker, 'process.exit(0)', bin);
    await waitFor(() => (sleepers(marker).length > 0 ? true : undefined));
    const result = await child;
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toContain('setpriv is not on PATH');
    await waitFor(() => (sleepers(marker).length === 0 ? true : undefined), 5_000);
    expect(sleepers(marker)).toEqual([]);
    await rm(bin, { recursive: true, force: true });
  });
});
