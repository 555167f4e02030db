import { describe, expect, it } from 'vitest';
import { dieWithParentLaunch, findExecutable, planEngineLaunch } from '../src/launch/engine-launch.js';

const installed = (paths: string[]) => {
  const set = new Set(paths);
  return (path: string) => set.has(path);
};

describe('dieWithParentLaunch', () => {
  it('prefixes the engine argv with setpriv, the engine argv unchanged after `--`', () => {
    const args = ['build', '--frontend', 'dockerfile.v0', '--opt', 'build-arg:A=--pdeathsig'];
    expect(dieWithParentLaunch('/usr/bin/setpriv', '/usr/local/bin/buildctl', args)).toEqual({
      file: '/usr/bin/setpriv',
      args: ['--pdeathsig', 'KILL', '--', '/usr/local/bin/buildctl', ...args],
    });
  });

  it('launches the engine as it is without setpriv, and never shares the caller’s array', () => {
    const args = ['push', 'x'];
    const launch = dieWithParentLaunch(null, 'buildah', args);
    expect(launch).toEqual({ file: 'buildah', args: ['push', 'x'] });
    expect(launch.args).not.toBe(args);
  });
});

describe('findExecutable', () => {
  it('searches PATH in order, an empty entry meaning the working directory', () => {
    const isExecutable = installed(['/b/buildctl', '/c/buildctl', './tool']);
    expect(findExecutable('buildctl', { pathVariable: '/a:/b/:/c', isExecutable })).toBe('/b/buildctl');
    expect(findExecutable('tool', { pathVariable: '/a::/c', isExecutable })).toBe('./tool');
    expect(findExecutable('buildah', { pathVariable: '/a:/b:/c', isExecutable })).toBeNull();
    expect(findExecutable('buildctl', { pathVariable: undefined, isExecutable })).toBeNull();
  });

  it('takes a name with a slash as a path, without searching PATH', () => {
    const isExecutable = installed(['/b/buildctl']);
    expect(findExecutable('/b/buildctl', { pathVariable: '/c', isExecutable })).toBe('/b/buildctl');
    expect(findExecutable('b/buildctl', { pathVariable: '/', isExecutable })).toBeNull();
    expect(findExecutable('', { pathVariable: '/b', isExecutable })).toBeNull();
  });
});

describe('planEngineLaunch', () => {
  const args = ['build', '--tag', 'registry.test/app:pr-7'];

  it('on Linux with setpriv: the resolved engine behind setpriv, dying with its parent', () => {
    const planned = planEngineLaunch({
      platform: 'linux',
      file: 'buildah',
      args,
      pathVariable: '/usr/local/bin:/usr/bin',
      isExecutable: installed(['/usr/bin/buildah', '/usr/bin/setpriv']),
    });
    expect(planned).toEqual({
      launch: { file: '/usr/bin/setpriv', args: ['--pdeathsig', 'KILL', '--', '/usr/bin/buildah', ...args] },
      diesWithParent: true,
      warning: null,
    });
  });

  it('on Linux without setpriv: the engine as it is, with a warning naming the package to install', () => {
    const planned = planEngineLaunch({
      platform: 'linux',
      file: 'buildctl',
      args,
      pathVariable: '/usr/bin',
      isExecutable: installed(['/usr/bin/buildctl']),
    });
    expect(planned.launch).toEqual({ file: 'buildctl', args });
    expect(planned.diesWithParent).toBe(false);
    expect(planned.warning).toMatch(/setpriv is not on PATH.*util-linux.*buildctl would outlive/);
  });

  it('an engine that is not installed is launched as it is, so the spawn error names the engine', () => {
    const planned = planEngineLaunch({
      platform: 'linux',
      file: 'docker',
      args,
      pathVariable: '/usr/bin',
      isExecutable: installed(['/usr/bin/setpriv']),
    });
    expect(planned).toEqual({ launch: { file: 'docker', args }, diesWithParent: false, warning: null });
  });

  it('elsewhere than Linux: no parent-death signal exists, the engine runs as it is (a documented limit)', () => {
    const planned = planEngineLaunch({
      platform: 'darwin',
      file: 'buildctl',
      args,
      pathVariable: '/usr/bin',
      isExecutable: installed(['/usr/bin/buildctl', '/usr/bin/setpriv']),
    });
    expect(planned).toEqual({ launch: { file: 'buildctl', args }, diesWithParent: false, warning: null });
  });
});
