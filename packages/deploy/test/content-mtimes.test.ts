import { createHash, createHmac } from 'node:crypto';
import { lstat, mkdir, mkdtemp, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildEngine, EngineBuildRequest } from '@deployer/contracts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  contentMtime,
  contentMtimeNs,
  loadEnvironment,
  planEnvironment,
  Supersession,
  stampContentMtimes,
} from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { engineResult } from './support/scripted-engine.js';

const key = Buffer.from('a fixed key for the tests');
/** One instant for every file, as a checkout written within one clock tick gives them. */
const sameTick = 1_796_660_000.125;
/** `sameTick` as stat reads it: exact in a double, in µs (Node 20) and in ns (Node 22+). */
const tick = 1_796_660_000_125_000_000n;
const sha256 = (text: string) => createHash('sha256').update(text).digest();
const mtimeNs = async (path: string) => (await lstat(path, { bigint: true })).mtimeNs;
const atimeNs = async (path: string) => (await lstat(path, { bigint: true })).atimeNs;

let dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
  dirs = [];
});

/** A folder with these files (a trailing `/` makes a directory), every one at `sameTick`. */
async function context(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'deploy-mtimes-'));
  dirs.push(dir);
  for (const [path, content] of Object.entries(files)) {
    if (path.endsWith('/')) await mkdir(join(dir, path), { recursive: true });
    else {
      await mkdir(join(dir, path, '..'), { recursive: true });
      await writeFile(join(dir, path), content);
      await utimes(join(dir, path), sameTick, sameTick);
    }
  }
  return dir;
}

describe('contentMtime', () => {
  it('is a function of the content and the key, in the past, in whole microseconds', () => {
    const web = contentMtime(sha256('web v1\n'), key);
    expect(contentMtime(sha256('web v1\n'), key)).toEqual(web);
    expect(contentMtime(sha256('api v1\n'), key)).not.toEqual(web);
    expect(contentMtime(sha256('web v1\n'), Buffer.from('another key'))).not.toEqual(web);
    for (let i = 0; i < 1000; i++) {
      const { seconds, microseconds } = contentMtime(sha256(String(i)), key);
      expect(seconds).toBeGreaterThanOrEqual(2 ** 30);
      expect(seconds).toBeLessThan(2 ** 30 + 2 ** 29); // 2021-01-14: never in the future
      expect(Number.isInteger(microseconds) && microseconds >= 0 && microseconds < 1e6).toBe(true);
      expect(microseconds % 15_625).toBe(0); // exact as a double, in µs and in ns: Node 20 and 24 alike
    }
  });

  it('gives different contents different stamps (no collision among 20 000)', () => {
    const seen = new Set<bigint>();
    for (let i = 0; i < 20_000; i++) seen.add(contentMtimeNs(contentMtime(sha256(`stamp ${i}\n`), key)));
    expect(seen.size).toBe(20_000);
  });
});

describe('stampContentMtimes', () => {
  it('same content → same mtime; same name and size, other content → another mtime', async () => {
    const web = await context({ stamp: 'web v1\n', 'src/index.js': 'same\n' });
    const api = await context({ stamp: 'api v1\n', 'src/index.js': 'same\n' });
    expect(await mtimeNs(join(web, 'stamp'))).toBe(await mtimeNs(join(api, 'stamp')));

    expect(await stampContentMtimes(web, { key })).toEqual({ files: 2, changed: 2 });
    expect(await stampContentMtimes(api, { key })).toEqual({ files: 2, changed: 2 });
    const expected = (text: string) => contentMtimeNs(contentMtime(sha256(text), key));
    expect(await mtimeNs(join(web, 'stamp'))).toBe(expected('web v1\n'));
    expect(await mtimeNs(join(api, 'stamp'))).toBe(expected('api v1\n'));
    expect(await mtimeNs(join(web, 'stamp'))).not.toBe(await mtimeNs(join(api, 'stamp')));
    expect(await mtimeNs(join(web, 'src/index.js'))).toBe(await mtimeNs(join(api, 'src/index.js')));
    expect(await atimeNs(join(web, 'stamp'))).toBe(expected('web v1\n'));
  });

  it('is deterministic: a second run, or a run after the mtimes moved, gives the same stamps', async () => {
    const dir = await context({ stamp: 'web v1\n', 'a/b/c.txt': 'deep\n', empty: '' });
    await stampContentMtimes(dir, { key });
    const first = await Promise.all(['stamp', 'a/b/c.txt', 'empty'].map((path) => mtimeNs(join(dir, path))));
    expect(await stampContentMtimes(dir, { key })).toEqual({ files: 3, changed: 0 });
    await utimes(join(dir, 'stamp'), 1_000_000, 1_000_000);
    expect(await stampContentMtimes(dir, { key })).toEqual({ files: 3, changed: 1 });
    expect(
      await Promise.all(['stamp', 'a/b/c.txt', 'empty'].map((path) => mtimeNs(join(dir, path)))),
    ).toEqual(first);
  });

  it('stores exactly the stamp (the microsecond libuv keeps), for any content', async () => {
    const files = Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`f${i}`, `content ${i}\n`]));
    const dir = await context(files);
    expect(await stampContentMtimes(dir, { key })).toEqual({ files: 300, changed: 300 });
    for (const [path, content] of Object.entries(files)) {
      expect(await mtimeNs(join(dir, path)), path).toBe(contentMtimeNs(contentMtime(sha256(content), key)));
    }
  });

  it('follows its formula, so any process with the key gets the same stamps; the default key is the process’s', async () => {
    const dir = await context({ stamp: 'web v1\n' });
    await stampContentMtimes(dir, { key });
    // HMAC-SHA256(key, sha256(content)): 29 bits of seconds after 2^30, then microseconds.
    const tag = createHmac('sha256', key).update(sha256('web v1\n')).digest();
    const seconds = 2 ** 30 + Math.floor(tag.readUInt32BE(0) / 8);
    const microseconds = (tag.readUInt32BE(4) >>> 26) * 15_625;
    expect(await mtimeNs(join(dir, 'stamp'))).toBe(
      BigInt(seconds) * 1_000_000_000n + BigInt(microseconds) * 1000n,
    );

    await stampContentMtimes(dir);
    const own = await mtimeNs(join(dir, 'stamp'));
    expect(own).not.toBe(contentMtimeNs(contentMtime(sha256('web v1\n'), key)));
    expect(own).toBe(contentMtimeNs(contentMtime(sha256('web v1\n'))));
  });

  it('leaves symlinks (and what they point to), directories and ignored files alone', async () => {
    const outside = await context({ target: 'outside\n' });
    const dir = await context({
      stamp: 'web v1\n',
      'node_modules/big.js': 'ignored\n',
      'Dockerfile.dockerignore': 'node_modules\n',
      'sub/': '',
    });
    await symlink(join(outside, 'target'), join(dir, 'link-out'));
    await symlink('stamp', join(dir, 'link-in'));
    await utimes(join(dir, 'sub'), sameTick, sameTick);
    const before = {
      linkOut: await mtimeNs(join(dir, 'link-out')),
      linkIn: await mtimeNs(join(dir, 'link-in')),
      target: await mtimeNs(join(outside, 'target')),
      sub: await mtimeNs(join(dir, 'sub')),
    };

    const stamped = await stampContentMtimes(dir, { key, dockerfile: 'Dockerfile' });
    expect(stamped).toEqual({ files: 2, changed: 2 }); // stamp and Dockerfile.dockerignore
    expect(await mtimeNs(join(dir, 'link-out'))).toBe(before.linkOut);
    expect(await mtimeNs(join(dir, 'link-in'))).toBe(before.linkIn);
    expect(await mtimeNs(join(outside, 'target'))).toBe(before.target);
    expect(await mtimeNs(join(dir, 'sub'))).toBe(before.sub);
    expect(await mtimeNs(join(dir, 'node_modules/big.js'))).toBe(tick);
    // Without a Dockerfile, every file.
    expect(await stampContentMtimes(dir, { key })).toEqual({ files: 3, changed: 1 });
  });
});

describe('buildEnvironment with contentMtimes', () => {
  /** An engine named `name` that records each context's `stamp` mtime when asked to build. */
  function engineSeeing(name: string): BuildEngine & { seen: Map<string, bigint> } {
    const seen = new Map<string, bigint>();
    return {
      name,
      seen,
      argv: async () => ({ argv: [], unresolved: [] }),
      build: async (request: EngineBuildRequest) => {
        seen.set(request.service, (await stat(join(request.contextDir, 'stamp'), { bigint: true })).mtimeNs);
        return engineResult();
      },
    };
  }

  async function run(name: string, contentMtimes?: boolean): Promise<Map<string, bigint>> {
    const dir = await context({ 'web/stamp': 'web v1\n', 'api/stamp': 'api v1\n' });
    await writeFile(join(dir, 'web/Dockerfile'), 'FROM scratch\nCOPY stamp /stamp\n');
    await writeFile(join(dir, 'api/Dockerfile'), 'FROM scratch\nCOPY stamp /stamp\n');
    await writeFile(
      join(dir, 'env.yaml'),
      'registry: { host: registry.example.test, repository: shop }\nservices:\n  web: { context: web }\n  api: { context: api }\n',
    );
    const plan = await planEnvironment(await loadEnvironment(join(dir, 'env.yaml')), {
      buildUuid: validUuid('wandering-credit-924200'),
    });
    const engine = engineSeeing(name);
    const report = await buildEnvironment(plan, {
      engine,
      supersession: new Supersession(),
      ...(contentMtimes !== undefined && { contentMtimes }),
    });
    expect(report.ok).toBe(true);
    return engine.seen;
  }

  it('stamps every context before a BuildKit engine reads it', async () => {
    const seen = await run('buildkit', true);
    expect(seen.get('web')).not.toBe(tick);
    expect(seen.get('api')).not.toBe(tick);
    expect(seen.get('web')).not.toBe(seen.get('api'));
    expect(seen.get('web')).toBe(contentMtimeNs(contentMtime(sha256('web v1\n'))));
  });

  it('leaves the files alone unless asked, and for buildah', async () => {
    expect([...(await run('buildkit')).values()]).toEqual([tick, tick]);
    expect([...(await run('buildkit', false)).values()]).toEqual([tick, tick]);
    expect([...(await run('buildah', true)).values()]).toEqual([tick, tick]);
  });
});
