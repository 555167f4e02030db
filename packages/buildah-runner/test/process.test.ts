import { describe, expect, it } from 'vitest';
import { listProcesses, liveGroupMembers, waitFor } from '../../process/test/helpers/processes.js';
import { runBuildah } from '../src/command-line/run-buildah.js';

// runBuildah only manages a process tree: a shell stands in for buildah to give it one with known shape.
const shell = '/bin/sh';

function collect() {
  const lines: Array<[string, string]> = [];
  return { lines, onLine: (stream: string, line: string) => lines.push([stream, line]) };
}

describe('runBuildah', () => {
  it('streams both output streams line by line and reports the exit status', async () => {
    const { lines, onLine } = collect();
    const outcome = await runBuildah(shell, ['-c', 'echo one; echo two >&2; printf three; exit 4'], {
      env: { PATH: process.env.PATH },
      killGraceMs: 1_000,
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

  it('kills what the command left running in its process group when it exits', async () => {
    const marker = `${30 + Math.random()}`;
    const outcome = await runBuildah(shell, ['-c', `sleep ${marker} >/dev/null 2>&1 & echo started`], {
      env: { PATH: process.env.PATH },
      killGraceMs: 2_000,
      onLine: () => {},
    });
    expect(outcome.exitCode).toBe(0);
    expect(listProcesses().filter((p) => p.argv[1] === marker && p.state !== 'Z')).toEqual([]);
  });

  it('does not hang when a leftover child holds the output pipes open', async () => {
    const marker = `${40 + Math.random()}`;
    const outcome = await runBuildah(shell, ['-c', `sleep ${marker} & echo started`], {
      env: { PATH: process.env.PATH },
      killGraceMs: 2_000,
      onLine: () => {},
    });
    expect(outcome.exitCode).toBe(0);
    expect(listProcesses().filter((p) => p.argv[1] === marker && p.state !== 'Z')).toEqual([]);
  });

  it('stops the whole group on abort: SIGTERM, then SIGKILL for what ignores it', async () => {
    const marker = `${50 + Math.random()}`;
    const controller = new AbortController();
    const running = runBuildah(shell, ['-c', `trap '' TERM; sleep ${marker} & wait`], {
      env: { PATH: process.env.PATH },
      signal: controller.signal,
      killGraceMs: 300,
      onLine: () => {},
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
    const outcome = await runBuildah(shell, ['-c', 'sleep 30'], {
      env: { PATH: process.env.PATH },
      deadline: Date.now() + 200,
      killGraceMs: 1_000,
      onLine: () => {},
    });
    expect(outcome).toMatchObject({ stoppedBy: 'timeout', exitCode: null, signal: 'SIGTERM' });
  });
});
