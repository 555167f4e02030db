import { chmod, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { contentTag, contextFiles, loadDockerIgnore } from '../src/plan/content-tag.js';
import { parseDockerIgnore } from '../src/plan/dockerignore.js';
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

  async function tag(overrides: { target?: string; args?: Record<string, string> } = {}) {
    return contentTag({ contextDir: join(fixture.dir, 'app'), dockerfile: 'Dockerfile', ...overrides });
  }

  it('is 12 hex digits, stable for unchanged input', async () => {
    fixture = await createFixture(base);
    const first = await tag();
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(await tag()).toBe(first);
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
