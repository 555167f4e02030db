import { chmod, mkdir, mkdtemp, readdir, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CompileCache, commandKey } from '../src/launch/compile-cache.js';
import { compileCacheDirectory, isPrivateDirectory } from '../src/launch/compile-cache-location.js';

let scratch: string;
beforeEach(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'deployer-compile-cache-test-'));
});
afterEach(async () => {
  await rm(scratch, { recursive: true, force: true });
});

const key = { source: 'exports.answer = 42;', command: 'build', nodeVersion: 'v20.20.2', arch: 'x64' };

describe('compileCacheDirectory', () => {
  it('is DEPLOYER_COMPILE_CACHE, else under XDG_CACHE_HOME, else under the home directory', () => {
    expect(
      compileCacheDirectory({ DEPLOYER_COMPILE_CACHE: 'rel/dir', XDG_CACHE_HOME: '/x' }, '/home/u'),
    ).toBe(join(process.cwd(), 'rel/dir'));
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/x' }, '/home/u')).toBe('/x/deployer/compile-cache');
    // A relative XDG_CACHE_HOME is invalid by its spec: ignored.
    expect(compileCacheDirectory({ XDG_CACHE_HOME: 'x' }, '/home/u')).toBe(
      '/home/u/.cache/deployer/compile-cache',
    );
    expect(compileCacheDirectory({}, '')).toBeNull();
  });

  it('is off with DEPLOYER_DISABLE_COMPILE_CACHE or NODE_DISABLE_COMPILE_CACHE set (but not to 0 or empty)', () => {
    for (const name of ['DEPLOYER_DISABLE_COMPILE_CACHE', 'NODE_DISABLE_COMPILE_CACHE']) {
      expect(compileCacheDirectory({ [name]: '1', DEPLOYER_COMPILE_CACHE: '/c' }, '/home/u')).toBeNull();
      expect(compileCacheDirectory({ [name]: '0', DEPLOYER_COMPILE_CACHE: '/c' }, '/home/u')).toBe('/c');
      expect(compileCacheDirectory({ [name]: '', DEPLOYER_COMPILE_CACHE: '/c' }, '/home/u')).toBe('/c');
    }
  });
});

describe('isPrivateDirectory', () => {
  const uid = process.getuid?.();

  it('creates a missing directory for its user only, and accepts it', async () => {
    const directory = join(scratch, 'a', 'b');
    expect(isPrivateDirectory(directory, uid)).toBe(true);
    expect((await stat(directory)).mode & 0o777).toBe(0o700);
  });

  it('refuses a directory others may write to, a symbolic link, a file, another user’s directory', async () => {
    const shared = join(scratch, 'shared');
    await mkdir(shared);
    await chmod(shared, 0o777);
    expect(isPrivateDirectory(shared, uid)).toBe(false);

    const own = join(scratch, 'own');
    await mkdir(own, { mode: 0o700 });
    const link = join(scratch, 'link');
    await symlink(own, link);
    expect(isPrivateDirectory(own, uid)).toBe(true);
    expect(isPrivateDirectory(link, uid)).toBe(false);

    const file = join(scratch, 'file');
    await writeFile(file, '');
    expect(isPrivateDirectory(file, uid)).toBe(false);
    expect(isPrivateDirectory(join(file, 'below'), uid)).toBe(false);

    expect(isPrivateDirectory(own, (uid ?? 0) + 1)).toBe(false);
  });
});

describe('CompileCache', () => {
  it('names a file per Node build, bundle text and command: never another text’s code, even of equal length', () => {
    const file = (change: Partial<typeof key>) => new CompileCache(scratch, { ...key, ...change }).file;
    const names = new Set([
      file({}),
      file({ source: 'exports.answer = 43;' }),
      file({ command: 'plan' }),
      file({ nodeVersion: 'v24.21.0' }),
      file({ arch: 'arm64' }),
    ]);
    expect(names.size).toBe(5);
    expect(file({})).toBe(file({}));
    expect(file({}).startsWith(`${scratch}/`)).toBe(true);
  });

  it('reads back what it saved, and nothing before', async () => {
    const cache = new CompileCache(scratch, key);
    expect(cache.read()).toBeUndefined();
    cache.save(Buffer.from('compiled code'));
    expect(cache.read()?.toString()).toBe('compiled code');
    // Written whole, then renamed: no partial file stays.
    expect(await readdir(scratch)).toEqual([cache.file.slice(scratch.length + 1)]);
    expect((await stat(cache.file)).mode & 0o777).toBe(0o600);
  });

  it('deletes other code’s files untouched for a week when it saves, and nothing else', async () => {
    const cache = new CompileCache(scratch, key);
    const old = new Date(Date.now() - 8 * 24 * 60 * 60 * 1000);
    const sibling = new CompileCache(scratch, { ...key, command: 'plan' }).file;
    const previousVersion = new CompileCache(scratch, { ...key, source: 'exports.answer = 41;' }).file;
    const recentOther = new CompileCache(scratch, { ...key, nodeVersion: 'v24.21.0' }).file;
    const unrelated = join(scratch, 'notes.txt');
    for (const path of [sibling, previousVersion, recentOther, unrelated]) await writeFile(path, 'x');
    for (const path of [sibling, previousVersion, unrelated]) await utimes(path, old, old);

    cache.save(Buffer.from('compiled code'));
    const left = await readdir(scratch);
    const name = (path: string) => path.slice(scratch.length + 1);
    expect(left.sort()).toEqual([cache.file, sibling, recentOther, unrelated].map(name).sort());
  });

  it('never throws when it cannot read or write: the run goes on uncached', async () => {
    const cache = new CompileCache(join(scratch, 'missing'), key);
    expect(() => cache.save(Buffer.from('x'))).not.toThrow();
    expect(cache.read()).toBeUndefined();
  });
});

describe('commandKey', () => {
  it('names the command from its leading words, and help apart', () => {
    expect(commandKey(['build', '-f', 'env.yaml', '--uuid', 'pr-1'])).toBe('build');
    expect(commandKey(['cache', 'gc', '-f', 'env.yaml'])).toBe('cache-gc');
    expect(commandKey(['dev', 'up', 'extra'])).toBe('dev-up');
    expect(commandKey([])).toBe('overview');
    expect(commandKey(['--help'])).toBe('overview-help');
    expect(commandKey(['build', '-h'])).toBe('build-help');
    // Only plain words name a file: nothing of a path or an odd argument gets into it.
    expect(commandKey(['../../etc', 'x'])).toBe('overview');
    expect(commandKey(['Build'])).toBe('overview');
  });
});
