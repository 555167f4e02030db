import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createBuildkitEngine } from '../src/index.js';
import { engine, hanging, invocations, rejection, request, state, useStateDir } from './engine-support.js';

useStateDir();

describe('stopping a build', () => {
  function isRunning(pid: number): boolean {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
    } catch {
      return false;
    }
  }

  async function pidsOnceStarted(pidFile: string): Promise<{ parent: number; child: number }> {
    for (let waited = 0; waited < 10_000; waited += 20) {
      if (existsSync(pidFile))
        return JSON.parse(readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
      await sleep(20);
    }
    throw new Error('the hanging buildctl never started');
  }

  function hangingEngine(pidFile: string) {
    return createBuildkitEngine({
      buildctlPath: hanging,
      killGraceMs: 300,
      tracePollMs: 10,
      env: { HANG_PID_FILE: pidFile },
    });
  }

  it('abort kills buildctl and everything it started, and reports cancelled', async () => {
    const pidFile = join(state, 'pids.json');
    const controller = new AbortController();
    const building = hangingEngine(pidFile).build(request('main', [], { signal: controller.signal }));
    const pids = await pidsOnceStarted(pidFile);
    expect(isRunning(pids.child)).toBe(true);
    controller.abort();
    const error = await rejection(building);
    expect(error).toMatchObject({ code: 'CANCELLED', kind: 'cancelled', buildUuid: 'main' });
    expect(isRunning(pids.parent)).toBe(false);
    // The child ignores SIGTERM: only the SIGKILL to the whole group after the grace period stops it.
    expect(isRunning(pids.child)).toBe(false);
  });

  it('a timeout does the same and says so', async () => {
    const pidFile = join(state, 'pids.json');
    const error = await rejection(hangingEngine(pidFile).build(request('main', [], { timeoutMs: 1_000 })));
    expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'cancelled' });
    const pids = JSON.parse(readFileSync(pidFile, 'utf8')) as { parent: number; child: number };
    expect(isRunning(pids.parent)).toBe(false);
    expect(isRunning(pids.child)).toBe(false);
  });

  it('an already aborted signal runs nothing', async () => {
    const error = await rejection(
      engine(['02-warm-same-env']).build(request('main', [], { signal: AbortSignal.abort() })),
    );
    expect(error.code).toBe('CANCELLED');
    expect(invocations()).toEqual([]);
  });
});
