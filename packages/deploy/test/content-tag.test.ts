import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentTag, contextFiles, loadDockerIgnore } from '../src/plan/content-tag.js';
import { isContentTag } from '../src/plan/content-tag-shape.js';
import { parseDockerIgnore } from '../src/plan/dockerignore.js';
import { isBuildUuid } from '../src/uuid/build-uuid.js';
import { createFixture, type Fixture } from './support/fixture.js';

describe('parseDockerIgnore', () => {
  it('follows Docker rules', () => {
    const ignore = parseDockerIgnore(
      [
        '# comment',
        '',
        'node_modules',
        '/build',
        '*.log',
        '**/*.tmp',
        'docs/**',
        '!docs/keep.md',
        'secret?.txt',
        'tmp/[ab]*',
      ].join('\n'),
    );
    expect(ignore.ignores('node_modules/x/index.js')).toBe(true);
    expect(ignore.ignores('build/out.js')).toBe(true);
    expect(ignore.ignores('src/build/out.js')).toBe(false);
    expect(ignore.ignores('app.log')).toBe(true);
    expect(ignore.ignores('src/app.log')).toBe(false); // `*` stays within the root component
    expect(ignore.ignores('a/b/c.tmp')).toBe(true);
    expect(ignore.ignores('c.tmp')).toBe(true);
    expect(ignore.ignores('docs/guide.md')).toBe(true);
    expect(ignore.ignores('docs/keep.md')).toBe(false);
    expect(ignore.ignores('secret1.txt')).toBe(true);
    expect(ignore.ignores('secret12.txt')).toBe(false);
    expect(ignore.ignores('tmp/apple')).toBe(true);
    expect(ignore.ignores('tmp/cherry')).toBe(false);
    expect(ignore.ignores('# comment')).toBe(false);
    expect(ignore.hasExceptions).toBe(true);
  });

  it('lets the last matching pattern win', () => {
    const ignore = parseDockerIgnore('*.md\n!README.md\nREADME.md\n');
    expect(ignore.ignores('README.md')).toBe(true);
    expect(parseDockerIgnore('*.md\n!README.md\n').ignores('README.md')).toBe(false);
  });
});

describe('contentTag', () => {
  let fixture: Fixture;
  afterEach(() => fixture.remove());

  const base = {
    'app/Dockerfile': 'FROM scratch\nCOPY . /app\n',
    'app/src/main.js': 'console.log(1)\n',
    'app/docs/guide.md': '# guide\n',
    'app/docs/keep.md': '# keep\n',
    'app/.dockerignore': 'docs\n!docs/keep.md\n*.tmp\n',
  };

  async function tag(overrides: { target?: string; args?: Record<string, string>; secrets?: string[] } = {}) {
    return contentTag({ contextDir: join(fixture.dir, 'app'), dockerfile: 'Dockerfile', ...overrides });
  }

  it('is the 64 hex digits of a sha256, stable for unchanged input, never a build uuid', async () => {
    fixture = await createFixture(base);
    const first = await tag();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(await tag()).toBe(first);
    expect(isBuildUuid(first)).toBe(false);
    expect(isContentTag(first)).toBe(true);
    expect(isContentTag(first.slice(0, 12))).toBe(false);
  });

  it('changes with the secrets the build is given (ids, in any order), not with their sources', async () => {
    fixture = await createFixture(base);
    const none = await tag();
    const both = await tag({ secrets: ['npm', 'git'] });
    expect(both).not.toBe(none);
    expect(await tag({ secrets: ['git', 'npm'] })).toBe(both);
    expect(await tag({ secrets: ['npm'] })).not.toBe(both);
  });

  it('keeps fields apart: a line break or NUL in a value never reads as another field', async () => {
    fixture = await createFixture(base);
    // Under v1's `a\0b\n` fields these two inputs hashed the same lines.
    const forged = await tag({ args: { A: '1\narg\u0000B\u00002' } });
    expect(forged).not.toBe(await tag({ args: { A: '1', B: '2' } }));
  });

  it('changes when a context file, the Dockerfile, the target or an argument changes', async () => {
    fixture = await createFixture(base);
    const original = await tag();
    await fixture.write('app/src/main.js', 'console.log(2)\n');
    const edited = await tag();
    expect(edited).not.toBe(original);
    await fixture.write('app/Dockerfile', 'FROM scratch\nCOPY src /app\n');
    const dockerfile = await tag();
    expect(dockerfile).not.toBe(edited);
    expect(await tag({ target: 'runtime' })).not.toBe(dockerfile);
    expect(await tag({ args: { A: '1' } })).not.toBe(await tag({ args: { A: '2' } }));
    expect(await tag({ args: { A: '1', B: '2' } })).toBe(await tag({ args: { B: '2', A: '1' } }));
  });

  it('ignores ignored files but not `!` exceptions', async () => {
    fixture = await createFixture(base);
    const original = await tag();
    await fixture.write('app/docs/guide.md', '# guide, rewritten\n');
    await fixture.write('app/scratch.tmp', 'junk');
    expect(await tag()).toBe(original);
    await fixture.write('app/docs/keep.md', '# keep, rewritten\n');
    expect(await tag()).not.toBe(original);
  });

  it('sees the executable bit, renames and symlinks', async () => {
    fixture = await createFixture(base);
    const original = await tag();
    await chmod(join(fixture.dir, 'app/src/main.js'), 0o755);
    const executable = await tag();
    expect(executable).not.toBe(original);
    await symlink('src/main.js', join(fixture.dir, 'app/link.js'));
    expect(await tag()).not.toBe(executable);
    const ignore = await loadDockerIgnore(join(fixture.dir, 'app'), 'Dockerfile');
    expect(await contextFiles(join(fixture.dir, 'app'), ignore)).toEqual([
      '.dockerignore',
      'Dockerfile',
      'docs/keep.md',
      'link.js',
      'src/main.js',
    ]);
  });

  it('prefers <Dockerfile>.dockerignore beside the Dockerfile', async () => {
    fixture = await createFixture({ ...base, 'app/Dockerfile.dockerignore': 'src\n' });
    const original = await tag();
    await fixture.write('app/src/main.js', 'console.log(3)\n');
    expect(await tag()).toBe(original);
  });
});
