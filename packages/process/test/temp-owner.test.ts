import { describe, expect, it } from 'vitest';
import { ownedTempDirPrefix, pidNamespaceOf, staleTempDirs } from '../src/temp/temp-owner.js';

const self = { pidNamespace: '4026531836', pid: 700 };

describe('temporary directories named after their maker', () => {
  it('names the kind, the pid namespace and the pid, ready for mkdtemp’s six random characters', () => {
    expect(ownedTempDirPrefix('buildah', self)).toBe('deployer-buildah-4026531836-700-');
  });

  it('finds the directories of its kind whose maker no longer runs, in its own pid namespace only', () => {
    const running = new Set([700, 812]);
    const names = [
      'deployer-buildah-4026531836-700-aB3dE9', // this process: in use
      'deployer-buildah-4026531836-812-x0x0x0', // another live run
      'deployer-buildah-4026531836-999-Qw12er', // dead: stale
      'deployer-buildah-4026532001-999-Qw12er', // another pid namespace: cannot tell, kept
      'deployer-buildkit-4026531836-999-Qw12er', // another kind
      'deployer-buildah-Qw12er', // made before names carried the owner
      'deployer-buildah-4026531836-999-Qw12er-extra',
      'other',
    ];
    expect(staleTempDirs(names, 'buildah', self, (pid) => running.has(pid))).toEqual([
      'deployer-buildah-4026531836-999-Qw12er',
    ]);
    expect(staleTempDirs(names, 'buildkit', self, (pid) => running.has(pid))).toEqual([
      'deployer-buildkit-4026531836-999-Qw12er',
    ]);
  });

  it('reads the pid namespace from its /proc link, `0` without one', () => {
    expect(pidNamespaceOf('pid:[4026531836]')).toBe('4026531836');
    expect(pidNamespaceOf(null)).toBe('0');
    expect(pidNamespaceOf('net:[4026531840]')).toBe('0');
  });
});
