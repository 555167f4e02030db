import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  currentOwner,
  makeOwnedTempDir,
  removeDeadOwnersTempDirs,
  sweepDeadOwnersTempDirs,
} from '../src/temp/owned-temp-dir.js';
import { ownedTempDirPrefix } from '../src/temp/temp-owner.js';

/** The pid of a real process that has exited (and been reaped) by the time this returns. */
async function deadPid(): Promise<number> {
  const child = execa('true');
  const pid = child.pid;
  await child;
  if (pid === undefined) throw new Error('true did not start');
  return pid;
}

describe('temporary directories owned by a pid', () => {
  let parent: string;
  beforeEach(async () => {
    parent = await mkdtemp(join(tmpdir(), 'owned-temp-test-'));
  });
  afterEach(async () => {
    await rm(parent, { recursive: true, force: true });
  });

  it('names a directory after this process and removes only dead owners of the same kind', async () => {
    const self = currentOwner();
    const dead = { ...self, pid: await deadPid() };
    const live = { ...self, pid: process.ppid };
    const elsewhere = { pidNamespace: `${self.pidNamespace}9`, pid: dead.pid };
    const made = [
      `${ownedTempDirPrefix('build', dead)}abc123`,
      `${ownedTempDirPrefix('build', live)}abc123`,
      `${ownedTempDirPrefix('build', elsewhere)}abc123`,
      `${ownedTempDirPrefix('other', dead)}abc123`,
      'unrelated',
    ];
    for (const name of made) await mkdir(join(parent, name, 'inside'), { recursive: true });

    const dir = await makeOwnedTempDir(parent, 'build');
    expect(basename(dir).startsWith(ownedTempDirPrefix('build', self))).toBe(true);
    expect((await readdir(parent)).sort()).toEqual([...made.slice(1), basename(dir)].sort());
  });

  it('removeDeadOwnersTempDirs says what it removed', async () => {
    const dead = { ...currentOwner(), pid: await deadPid() };
    const name = `${ownedTempDirPrefix('build', dead)}xyz789`;
    await mkdir(join(parent, name));
    expect(await removeDeadOwnersTempDirs(parent, 'build')).toEqual([name]);
    expect(await readdir(parent)).toEqual([]);
  });

  it('sweeps once per process and kind: started early, the directory it makes waits for that sweep', async () => {
    const dead = { ...currentOwner(), pid: await deadPid() };
    const first = `${ownedTempDirPrefix('early', dead)}aaa111`;
    await mkdir(join(parent, first, 'inside'), { recursive: true });

    const sweep = sweepDeadOwnersTempDirs(parent, 'early');
    expect(sweepDeadOwnersTempDirs(parent, 'early')).toBe(sweep);
    const dir = await makeOwnedTempDir(parent, 'early');
    expect(await sweep).toEqual([first]);
    expect(await readdir(parent)).toEqual([basename(dir)]);

    // A dead owner's directory appearing later waits for the next process.
    const later = `${ownedTempDirPrefix('early', dead)}bbb222`;
    await mkdir(join(parent, later));
    await makeOwnedTempDir(parent, 'early');
    expect(await readdir(parent)).toContain(later);
  });
});
