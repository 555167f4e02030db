import { describe, expect, it } from 'vitest';
import { tagPattern } from '../src/grammar/patterns.js';
import {
  buildctlCacheArgs,
  type CacheConfigInput,
  isRunExportTagOf,
  parseCacheConfig,
  parseRunExportTag,
  planCache,
  runExportTag,
  runScopedExport,
} from '../src/index.js';
import { anyBuildUuid } from './support/build-uuids.js';

const run = {
  runId: '3b1f0a52-8c1e-4d2f-9a77-0c5e2f6d1b90',
  startedAt: new Date('2024-05-01T12:00:00.123Z'),
};

function plan(
  config: CacheConfigInput,
  service = 'web',
  buildUuid: string | null = 'wandering-credit-924200',
) {
  return planCache({
    config: parseCacheConfig(config),
    repository: 'acme/next-web',
    service,
    buildUuid: buildUuid === null ? null : anyBuildUuid(buildUuid),
    fallbacks: [anyBuildUuid('main')],
  });
}

describe('runScopedExport', () => {
  it('exports to a run tag beside the path-strategy cache tag and still imports :cache', () => {
    const declared = plan({ registry: 'distribution.example:5000' });
    const scoped = runScopedExport(declared, run)!;
    expect(scoped.cacheRef.ref).toBe(
      'distribution.example:5000/acme/next-web/web/wandering-credit-924200:cache',
    );
    expect(scoped.runRef.repository).toBe(scoped.cacheRef.repository);
    expect(scoped.runRef.tag).toMatch(/^cache--run-[0-9a-z]{9}-[0-9a-f]{10}$/);
    expect(scoped.plan.imports).toEqual(declared.imports);
    const args = buildctlCacheArgs(scoped.plan);
    expect(args[1]).toContain(`ref=${scoped.runRef.ref},`);
    expect(args.filter((arg) => arg.includes(':cache--run-'))).toHaveLength(1);
  });

  it('gives each run, environment and service its own run tag (tag strategy)', () => {
    const other = { runId: 'another-run', startedAt: run.startedAt };
    const tags = new Set<string>();
    for (const service of ['web', 'api', 'WEB']) {
      for (const uuid of ['main', 'wandering-credit-924200', 'main-run-x']) {
        for (const each of [run, other]) {
          const scoped = runScopedExport(plan({ registry: 'docker.io' }, service, uuid), each)!;
          expect(scoped.runRef.repository).toBe('docker.io/acme/next-web');
          tags.add(scoped.runRef.tag);
        }
      }
    }
    expect(tags.size).toBe(18);
  });

  it('never equals a cache tag: a uuid that spells a run suffix stays a cache tag', () => {
    const scoped = runScopedExport(plan({ registry: 'docker.io' }, 'web', 'main'), run)!;
    const lookalikeUuid = scoped.runRef.tag.slice('cache-web-'.length);
    const lookalike = plan({ registry: 'docker.io' }, 'web', lookalikeUuid).export!;
    expect(lookalike.tag).not.toBe(scoped.runRef.tag);
    expect(parseRunExportTag(lookalike.tag)).toBeNull();
  });

  it('stays a valid tag of at most 128 characters for the longest cache tags', () => {
    const long = plan({ registry: 'docker.io' }, 's'.repeat(60), `u${'-x'.repeat(80)}`).export!;
    expect(long.tag.length).toBeGreaterThan(110);
    const tag = runExportTag(long.tag, run);
    expect(tag.length).toBeLessThanOrEqual(128);
    expect(tag).toMatch(tagPattern);
    expect(parseRunExportTag(tag)?.startedAt).toEqual(run.startedAt);
    const otherLong = plan({ registry: 'docker.io' }, 's'.repeat(60), `u${'-y'.repeat(80)}`).export!;
    expect(runExportTag(otherLong.tag, run)).not.toBe(tag);
  });

  it('has nothing to scope without an export, and leaves buildah caching per repository', () => {
    expect(runScopedExport(plan({ registry: 'distribution.example:5000' }, 'web', null), run)).toBeNull();
    const buildah = planCache({
      config: parseCacheConfig({ registry: 'distribution.example:5000' }),
      repository: 'acme/next-web',
      service: 'web',
      buildUuid: anyBuildUuid('main'),
      engine: 'buildah',
    });
    expect(runScopedExport(buildah, run)).toBeNull();
  });
});

describe('parseRunExportTag', () => {
  it('reads the start time back and rejects every other tag', () => {
    const tag = runExportTag('cache', run);
    expect(parseRunExportTag(tag)).toEqual({ cacheTagHead: 'cache', startedAt: run.startedAt });
    for (const other of [
      'cache',
      'cache-web-main',
      'lease-web-main',
      'lease',
      'sha256-abc',
      'cache--run-x',
    ]) {
      expect(parseRunExportTag(other)).toBeNull();
    }
  });
});

describe('isRunExportTagOf', () => {
  it('matches the run tags of exactly one cache tag, never of one it is a prefix of', () => {
    expect(isRunExportTagOf(runExportTag('cache-web-pr-4', run), 'cache-web-pr-4')).toBe(true);
    expect(isRunExportTagOf(runExportTag('cache-web-pr-42', run), 'cache-web-pr-4')).toBe(false);
    expect(isRunExportTagOf(runExportTag('cache-web-pr-4', run), 'cache-web-pr-42')).toBe(false);
    expect(isRunExportTagOf(runExportTag('cache-web-pr', run), 'cache-web-pr-4')).toBe(false);
    expect(isRunExportTagOf(runExportTag('cache', run), 'cache')).toBe(true);
    for (const other of ['cache', 'cache-web-pr-4', 'lease-web-pr-4', 'cache-web-pr-4--run-x']) {
      expect(isRunExportTagOf(other, 'cache-web-pr-4')).toBe(false);
    }
  });

  it('matches long cache tags through their shortened head, and tells two of them apart', () => {
    const long = `cache-web-${'x'.repeat(100)}`;
    const longer = `${long}-2`;
    const tag = runExportTag(long, run);
    expect(tag.startsWith(long)).toBe(false);
    expect(isRunExportTagOf(tag, long)).toBe(true);
    expect(isRunExportTagOf(tag, longer)).toBe(false);
    expect(isRunExportTagOf(runExportTag(longer, run), long)).toBe(false);
  });
});
