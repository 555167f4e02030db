import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProcessError } from '../src/errors.js';
import { runProcess } from '../src/run/run-process.js';
import { listProcesses, liveGroupMembers, waitFor } from './helpers/processes.js';

// runProcess only manages a process tree: a shell gives it one with a known shape.
const shell = '/bin/sh';
const base = { file: shell, killGraceMs: 1_000 };

function collect() {
  const lines: Array<[string, string]> = [];
  return { lines, onLine: (stream: string, line: string) => lines.push([stream, line]) };
}

const liveWithArg = (marker: string) =>
  listProcesses().filter((p) => p.argv[1] === marker && p.state !== 'Z');

describe('runProcess', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'process-test-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('streams both output streams line by line and reports the exit status', async () => {
    const { lines, onLine } = collect();
    const outcome = await runProcess({
      ...base,
      args: ['-c', 'echo one; echo two >&2; printf three; exit 4'],
      onLine,
    });
    expect(outcome).toEqual({ exitCode: 4, signal: null, stoppedBy: null });
    expect(lines).toEqual(
      expect.arrayContaining([
        ['stdout', 'one'],
        ['stderr', 'two'],
        ['stdout', 'three'],
      ]),
    );
  });

  it('hands over raw chunks, with the environment added to this one or replacing it', async () => {
    let stdout = '';
    const script = 'printf "%s|%s" "$EXTRA" "$HOME"';
    await runProcess({
      ...base,
      args: ['-c', script],
      env: { EXTRA: 'added' },
      onStdout: (chunk) => {
        stdout += Buffer.from(chunk).toString();
      },
    });
    expect(stdout).toBe(`added|${process.env.HOME ?? ''}`);
    stdout = '';
    await runProcess({
      ...base,
      args: ['-c', script],
      env: { EXTRA: 'only', PATH: process.env.PATH },
      extendEnv: false,
      onStdout: (chunk) => {
        stdout += Buffer.from(chunk).toString();
      },
    });
    expect(stdout).toBe('only|');
  });

  it('kills what the program left running in its process group when it exits', async () => {
    const marker = `${30 + Math.random()}`;
    const outcome = await runProcess({
      ...base,
      args: ['-c', `sleep ${marker} >/dev/null 2>&1 & echo started`],
    });
    expect(outcome.exitCode).toBe(0);
    expect(liveWithArg(marker)).toEqual([]);
  });

  it('does not hang when a leftover child holds the output pipes open', async () => {
    const marker = `${40 + Math.random()}`;
    const outcome = await runProcess({
      ...base,
      args: ['-c', `sleep ${marker} & echo started`],
      onLine: () => {},
    });
    expect(outcome.exitCode).toBe(0);
    expect(liveWithArg(marker)).toEqual([]);
  });

  it('stops the whole group on abort: SIGTERM, then SIGKILL for what ignores it', async () => {
    const marker = `${50 + Math.random()}`;
    const controller = new AbortController();
    const running = runProcess({
      ...base,
      args: ['-c', `trap '' TERM; sleep ${marker} & wait`],
      signal: controller.signal,
      killGraceMs: 300,
    });
    const sleeper = await waitFor(() =>
      listProcesses().find((p) => p.argv[0] === 'sleep' && p.argv[1] === marker),
    );
    controller.abort();
    const outcome = await running;
    expect(outcome.stoppedBy).toBe('abort');
    expect(liveGroupMembers(sleeper.pgid)).toEqual([]);
  });

  it('stops the group at the deadline', async () => {
    const outcome = await runProcess({ ...base, args: ['-c', 'sleep 30'], deadline: Date.now() + 200 });
    expect(outcome).toMatchObject({ stoppedBy: 'timeout', exitCode: null, signal: 'SIGTERM' });
  });

  it('starts nothing when the signal aborted already', async () => {
    const marker = join(scratch, 'ran');
    const outcome = await runProcess({
      ...base,
      args: ['-c', `touch ${marker}`],
      signal: AbortSignal.abort(),
    });
    expect(outcome).toEqual({ exitCode: null, signal: null, stoppedBy: 'abort' });
    await expect(import('node:fs/promises').then((fs) => fs.access(marker))).rejects.toThrow();
  });

  it('throws NOT_FOUND for a missing program and SPAWN_FAILED for one that cannot be executed', async () => {
    const missing = await runProcess({ ...base, file: 'deployer-no-such-program', args: [] }).catch((e) => e);
    expect(missing).toBeInstanceOf(ProcessError);
    expect(missing).toMatchObject({
      code: 'NOT_FOUND',
      file: 'deployer-no-such-program',
      systemCode: 'ENOENT',
    });
    const notExecutable = join(scratch, 'not-executable');
    await writeFile(notExecutable, 'echo hi\n');
    await chmod(notExecutable, 0o644);
    const refused = await runProcess({ ...base, file: notExecutable, args: [] }).catch((e) => e);
    expect(refused).toBeInstanceOf(ProcessError);
    expect(refused).toMatchObject({ code: 'SPAWN_FAILED', file: notExecutable, systemCode: 'EACCES' });
  });

  it('runs the same group concurrently many times without leaking a process', async () => {
    const marker = `${60 + Math.random()}`;
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        runProcess({
          ...base,
          args: ['-c', `sleep ${marker} & echo ${index}; exit ${index % 3}`],
          onLine: () => {},
        }),
      ),
    );
    expect(outcomes.map((outcome) => outcome.exitCode)).toEqual(Array.from({ length: 12 }, (_, i) => i % 3));
    expect(liveWithArg(marker)).toEqual([]);
  });
});
