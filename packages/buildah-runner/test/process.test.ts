import { describe, expect, it } from 'vitest';
import { runBuildah } from '../src/command-line/run-buildah.js';

// runBuildah runs buildah through @deployer/process: a shell stands in for buildah.
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

  it("gives buildah only the environment it is handed, none of this process's", async () => {
    const { lines, onLine } = collect();
    process.env.DEPLOYER_TEST_NOT_FOR_BUILDAH = 'leaked';
    try {
      await runBuildah(shell, ['-c', 'echo "[$DEPLOYER_TEST_NOT_FOR_BUILDAH][$ONLY]"'], {
        env: { PATH: process.env.PATH, ONLY: 'given' },
        killGraceMs: 1_000,
        onLine,
      });
    } finally {
      delete process.env.DEPLOYER_TEST_NOT_FOR_BUILDAH;
    }
    expect(lines).toEqual([['stdout', '[][given]']]);
  });

  // Process groups, leftovers, abort and deadlines are @deployer/process's, tested there
  // (packages/process/test/run-process.test.ts); runBuildah only passes them on.
});
