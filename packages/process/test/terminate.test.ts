import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { isAlive } from '../src/group/process-alive.js';
import { terminate } from '../src/group/terminate.js';

describe('terminate', () => {
  it('stops a process with SIGTERM', async () => {
    const child = execa('sleep', ['30'], { reject: false });
    const pid = child.pid as number;
    expect(isAlive(pid)).toBe(true);
    await terminate(pid, 2_000);
    const result = await child;
    expect(result.signal).toBe('SIGTERM');
    expect(isAlive(pid)).toBe(false);
  });

  it('SIGKILLs a process that ignores SIGTERM after the grace time', async () => {
    const child = execa('/bin/sh', ['-c', "trap '' TERM; while :; do sleep 0.05; done"], { reject: false });
    const pid = child.pid as number;
    await new Promise((resolve) => setTimeout(resolve, 100));
    await terminate(pid, 200);
    const result = await child;
    expect(result.signal).toBe('SIGKILL');
  });

  it('counts a zombie (exited, not yet reaped) as gone', async () => {
    const child = execa('/bin/sh', ['-c', 'exit 0'], { reject: false });
    const pid = child.pid as number;
    await child;
    expect(isAlive(pid)).toBe(false);
  });
});
