import { cacheLocation } from '@deployer/cache-ref';
import type { ResolvedStrategy } from '@deployer/contracts';
import { MediaTypes } from '@deployer/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CacheInventoryEntry, deleteCacheRefs, listCacheRefs } from '../src/index.js';
import { anyBuildUuid } from './helpers/build-uuids.js';
import { type CacheExport, exportBuildkitCache } from './helpers/buildkit-cache.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();
const repository = 'next-web';

function where(service: string, buildUuid: string | null, strategy: ResolvedStrategy) {
  return cacheLocation({
    registry: registry().host,
    repository,
    service,
    buildUuid: buildUuid === null ? null : anyBuildUuid(buildUuid),
    strategy,
  });
}

const exported = new Map<string, CacheExport>();

async function exportRef(
  service: string,
  buildUuid: string | null,
  strategy: ResolvedStrategy,
  layers: { size: number; createdAt?: string }[],
  duplicateFirstLayer = false,
) {
  const { client } = clientFor(registry());
  const location = where(service, buildUuid, strategy);
  const result = await exportBuildkitCache(client, { ...location, layers, duplicateFirstLayer });
  exported.set(`${strategy}:${service}:${buildUuid}`, result);
  return result;
}

beforeAll(async () => {
  await exportRef(
    'web',
    'wandering-credit-924200',
    'path',
    [
      { size: 1000, createdAt: '2024-05-01T10:00:00.123456789Z' },
      { size: 2000, createdAt: '2024-05-01T10:05:30.5Z' },
    ],
    true,
  );
  await exportRef('web', 'quiet-river-118877', 'path', [{ size: 1500 }]);
  await exportRef('web', null, 'path', [{ size: 700, createdAt: '2024-04-01T00:00:00Z' }]);
  await exportRef('web', 'silent-lake-300001', 'tag', [
    { size: 3000, createdAt: '2024-06-01T08:00:00Z' },
    { size: 100, createdAt: '2024-06-02T09:30:00+02:00' },
  ]);
  await exportRef('web', null, 'tag', [{ size: 50 }]);
  // Neighbours that must not be listed as "web": another service, a service whose name extends "web".
  await exportRef('api', 'wandering-credit-924200', 'path', [{ size: 10 }]);
  await exportRef('api', 'silent-lake-300001', 'tag', [{ size: 10 }]);
  await exportRef('web-admin', 'quiet-river-118877', 'path', [{ size: 10 }]);
  await exportRef('web-admin', 'quiet-river-118877', 'tag', [{ size: 10 }]);
  // An image (not a cache) in the tag repository.
  const { client } = clientFor(registry());
  const config = await client.uploadBlob(repository, Buffer.from('{}'));
  await client.putManifest(repository, 'main-1', {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
    layers: [],
  });
});

const byKey = (entries: CacheInventoryEntry[]) =>
  Object.fromEntries(entries.map((e) => [`${e.strategy}:${e.buildUuid}`, e]));

describe('cache inventory', () => {
  it('lists every web cache ref under both strategies with uuid, digest, size and time', async () => {
    const { client } = clientFor(registry());
    const entries = await listCacheRefs(client, { repository, service: 'web' });
    const found = byKey(entries);
    expect(Object.keys(found).sort()).toEqual([
      'path:null',
      'path:quiet-river-118877',
      'path:wandering-credit-924200',
      'tag:null',
      'tag:silent-lake-300001',
    ]);
    const wandering = found['path:wandering-credit-924200']!;
    const wanderingExport = exported.get('path:web:wandering-credit-924200')!;
    expect(wandering).toMatchObject({
      layout: 'tag',
      repository: 'next-web/web/wandering-credit-924200',
      tag: 'cache',
      tags: ['cache'],
      digests: [wanderingExport.digest],
      ref: `${registry().host}/next-web/web/wandering-credit-924200:cache`,
      digest: wanderingExport.digest,
      sizeBytes: wanderingExport.blobBytes,
    });
    // The duplicated layer descriptor is counted once.
    expect(wanderingExport.index.manifests).toHaveLength(4);
    expect(wandering.createdAt?.toISOString()).toBe('2024-05-01T10:05:30.500Z');
    expect(found['path:quiet-river-118877']!.createdAt).toBeNull();
    expect(found['path:null']).toMatchObject({ repository: 'next-web/web', tag: 'cache', buildUuid: null });

    const silent = found['tag:silent-lake-300001']!;
    expect(silent).toMatchObject({
      repository: 'next-web',
      tag: 'cache-web-silent-lake-300001',
      digest: exported.get('tag:web:silent-lake-300001')!.digest,
      sizeBytes: exported.get('tag:web:silent-lake-300001')!.blobBytes,
    });
    // 2024-06-02T09:30+02:00 = 07:30Z, older than 2024-06-01T08:00Z? No: a day later, so it is the newest.
    expect(silent.createdAt?.toISOString()).toBe('2024-06-02T07:30:00.000Z');
    expect(found['tag:null']).toMatchObject({
      tag: 'cache-web',
      buildUuid: null,
      sizeBytes: exported.get('tag:web:null')!.blobBytes,
    });
  });

  it('makes one manifest request per ref plus one tag listing per repository', async () => {
    const { client, events } = clientFor(registry());
    const entries = await listCacheRefs(client, { repository, service: 'web' });
    const byOperation = new Map<string, number>();
    for (const event of events) byOperation.set(event.operation, (byOperation.get(event.operation) ?? 0) + 1);
    expect(byOperation.get('manifest.get')).toBe(entries.length);
    expect(byOperation.get('catalog.list')).toBe(1);
    // One tag listing per path repository (each holds one ref here), one for the tag strategy.
    expect(byOperation.get('tags.list')).toBe(entries.filter((e) => e.strategy === 'path').length + 1);
  });

  it('limits to one strategy and finds nothing for an unknown service', async () => {
    const { client } = clientFor(registry());
    const tagOnly = await listCacheRefs(client, { repository, service: 'web', strategies: ['tag'] });
    expect(tagOnly.every((e) => e.strategy === 'tag')).toBe(true);
    expect(tagOnly).toHaveLength(2);
    expect(await listCacheRefs(client, { repository: 'nothing-here', service: 'web' })).toEqual([]);
  });

  it('deletes all of one service refs with bounded concurrency and leaves the others', async () => {
    const intervals: [number, number][] = [];
    const { client } = clientFor(registry(), {
      onRequest: (e) => {
        if (e.method === 'DELETE') intervals.push([performance.now() - e.durationMs, performance.now()]);
      },
    });
    const web = await listCacheRefs(client, { repository, service: 'web' });
    const result = await deleteCacheRefs(client, web, { concurrency: 2 });
    // Peak overlap of the DELETE requests' time spans (1 ms slack: durations are whole milliseconds).
    const peak = Math.max(
      ...intervals.map(([start]) => intervals.filter(([s, e]) => s <= start && start < e - 1).length),
    );
    expect(intervals).toHaveLength(web.length);
    expect(peak).toBeLessThanOrEqual(2);
    expect(result.failed).toEqual([]);
    expect(result.deleted).toHaveLength(web.length);
    expect(await listCacheRefs(client, { repository, service: 'web' })).toEqual([]);
    const api = await listCacheRefs(client, { repository, service: 'api' });
    expect(api.map((e) => `${e.strategy}:${e.buildUuid}`).sort()).toEqual([
      'path:wandering-credit-924200',
      'tag:silent-lake-300001',
    ]);
    expect(await client.resolveTag(repository, 'main-1')).toMatch(/^sha256:/);
  });
});
