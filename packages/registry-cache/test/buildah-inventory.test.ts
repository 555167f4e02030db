import { cacheLocation } from '@deployer/cache-ref';
import type { ResolvedStrategy } from '@deployer/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type CacheInventoryEntry,
  type CacheRepositoryEntry,
  deleteCacheRefs,
  deleteRepositoryTags,
  listCacheRefs,
} from '../src/index.js';
import { anyBuildUuid } from './helpers/build-uuids.js';
import {
  buildahLayer,
  cacheKey,
  distinctBytes,
  type PushedCacheImage,
  pushBuildahCacheImage,
  snapshotRegistry,
} from './helpers/buildah-cache.js';
import { type CacheExport, exportBuildkitCache } from './helpers/buildkit-cache.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();
const cacheRepository = 'shop/cache';

/** `shop/cache/<service>/<uuid>`, as cache-ref lays out the path strategy (and buildah's --cache-to). */
const repositoryOf = (service: string, buildUuid: string) =>
  cacheLocation({
    registry: registry().host,
    repository: cacheRepository,
    service,
    buildUuid: anyBuildUuid(buildUuid),
    strategy: 'path',
  }).repository;

const pushed: Record<string, PushedCacheImage[]> = {};
let pathExport: CacheExport;
let tagExport: CacheExport;
let mixedExport: CacheExport;

async function buildahRepository(
  service: string,
  buildUuid: string,
  images: Parameters<typeof pushBuildahCacheImage>[2][],
): Promise<PushedCacheImage[]> {
  const { client } = clientFor(registry());
  const repository = repositoryOf(service, buildUuid);
  const result: PushedCacheImage[] = [];
  for (const image of images) result.push(await pushBuildahCacheImage(client, repository, image));
  pushed[repository] = [...(pushed[repository] ?? []), ...result];
  return result;
}

beforeAll(async () => {
  const { client } = clientFor(registry());
  const base = buildahLayer('base.bin', 400);
  const deps = buildahLayer('deps.bin', 300);
  // The environment "main": three cached steps sharing the base layer, then a second tag on step one.
  const main = await buildahRepository('web', 'main', [
    { layers: [base], created: '2024-03-01T10:00:00.123456789Z' },
    { layers: [base, deps], created: '2024-03-02T11:00:00.5Z', mediaTypes: 'docker' },
    { layers: [base, deps, buildahLayer('app.bin')], created: '2024-03-01T12:00:00Z' },
  ]);
  const first = await client.getManifest(repositoryOf('web', 'main'), main[0]!.tag);
  const alias = cacheKey('alias of step one');
  await client.putManifest(repositoryOf('web', 'main'), alias, first.bytes, { mediaType: first.mediaType });
  pushed[repositoryOf('web', 'main')]!.push({ ...main[0]!, tag: alias });

  // Neighbours whose names extend "main" or "web": never part of web/main.
  await buildahRepository('web', 'main-2', [{ layers: [base], created: '2024-04-01T00:00:00Z' }]);
  await buildahRepository('web-admin', 'main', [{ layers: [base], created: '2024-04-02T00:00:00Z' }]);
  // No created time recorded: age unknown.
  await buildahRepository('web', 'undated', [{ layers: [buildahLayer('u.bin')] }]);

  // BuildKit's caches: a path-strategy ref, a tag-strategy ref, and an environment that used both engines.
  const at = (buildUuid: string, strategy: ResolvedStrategy) =>
    cacheLocation({
      registry: registry().host,
      repository: cacheRepository,
      service: 'web',
      buildUuid: anyBuildUuid(buildUuid),
      strategy,
    });
  pathExport = await exportBuildkitCache(client, {
    ...at('pr-7', 'path'),
    layers: [{ size: 900, createdAt: '2024-05-01T00:00:00Z' }],
  });
  tagExport = await exportBuildkitCache(client, {
    ...at('pr-8', 'tag'),
    layers: [{ size: 800, createdAt: '2024-05-02T00:00:00Z' }],
  });
  mixedExport = await exportBuildkitCache(client, {
    ...at('pr-9', 'path'),
    layers: [{ size: 700, createdAt: '2024-05-03T00:00:00Z' }],
  });
  await buildahRepository('web', 'pr-9', [
    { layers: [buildahLayer('m.bin')], created: '2024-05-04T00:00:00Z' },
  ]);

  // Everything deleted: distribution keeps the repository in the catalog with no tags.
  const gone = await pushBuildahCacheImage(client, repositoryOf('web', 'gone'), { layers: [base] });
  await client.deleteManifest(repositoryOf('web', 'gone'), gone.digest);
});

const key = (entry: CacheInventoryEntry) => `${entry.layout}:${entry.strategy}:${entry.buildUuid}`;

function repositoryEntry(entries: CacheInventoryEntry[], buildUuid: string): CacheRepositoryEntry {
  const found = entries.find((e) => e.layout === 'repository' && e.buildUuid === buildUuid);
  if (found?.layout !== 'repository') throw new Error(`no repository entry for ${buildUuid}`);
  return found;
}

describe('inventory of buildah cache repositories', () => {
  it('lists each environment repository once, next to BuildKit refs, and nothing of its neighbours', async () => {
    const { client } = clientFor(registry());
    const entries = await listCacheRefs(client, { repository: cacheRepository, service: 'web' });
    expect(entries.map(key).sort()).toEqual([
      'repository:path:main',
      'repository:path:main-2',
      'repository:path:pr-9',
      'repository:path:undated',
      'tag:path:pr-7',
      'tag:path:pr-9',
      'tag:tag:pr-8',
    ]);

    const main = repositoryEntry(entries, 'main');
    const mainImages = pushed[repositoryOf('web', 'main')]!;
    expect(main).toMatchObject({
      strategy: 'path',
      layout: 'repository',
      ref: `${registry().host}/shop/cache/web/main`,
      repository: 'shop/cache/web/main',
      tag: null,
      digest: null,
    });
    expect([...main.tags].sort()).toEqual(mainImages.map((image) => image.tag).sort());
    expect(main.tags.every((tag) => /^[0-9a-f]{64}$/.test(tag))).toBe(true);
    // Four tags, three manifests: the alias shares step one's digest.
    expect([...main.digests].sort()).toEqual([...new Set(mainImages.map((image) => image.digest))].sort());
    expect(main.digests).toHaveLength(3);
    // The base layer (in all three images) and deps (in two) are counted once.
    expect(main.sizeBytes).toBe(distinctBytes(mainImages));
    expect(main.sizeBytes).toBeLessThan(
      mainImages
        .slice(0, 3)
        .reduce((sum, image) => sum + [...image.blobs.values()].reduce((a, b) => a + b, 0), 0),
    );
    // Newest `created` among its configs, not the last pushed.
    expect(main.createdAt?.toISOString()).toBe('2024-03-02T11:00:00.500Z');

    expect(repositoryEntry(entries, 'main-2')).toMatchObject({
      ref: `${registry().host}/shop/cache/web/main-2`,
      sizeBytes: distinctBytes(pushed[repositoryOf('web', 'main-2')]!),
    });
    expect(repositoryEntry(entries, 'undated').createdAt).toBeNull();

    // The environment built with both engines: BuildKit's `cache` tag stays a tag entry.
    const mixed = repositoryEntry(entries, 'pr-9');
    expect(mixed.tags).toEqual([pushed[repositoryOf('web', 'pr-9')]![0]!.tag]);
    expect(mixed.createdAt?.toISOString()).toBe('2024-05-04T00:00:00.000Z');
    const mixedRef = entries.find((e) => key(e) === 'tag:path:pr-9');
    expect(mixedRef).toMatchObject({
      ref: `${registry().host}/shop/cache/web/pr-9:cache`,
      tag: 'cache',
      tags: ['cache'],
      digest: mixedExport.digest,
      digests: [mixedExport.digest],
      sizeBytes: mixedExport.blobBytes,
    });
    expect(entries.find((e) => key(e) === 'tag:path:pr-7')).toMatchObject({
      digest: pathExport.digest,
      sizeBytes: pathExport.blobBytes,
    });
    expect(entries.find((e) => key(e) === 'tag:tag:pr-8')).toMatchObject({
      ref: `${registry().host}/shop/cache:cache-web-pr-8`,
      digest: tagExport.digest,
    });

    const admin = await listCacheRefs(client, { repository: cacheRepository, service: 'web-admin' });
    expect(admin.map(key)).toEqual(['repository:path:main']);
    expect(admin[0]!.ref).toBe(`${registry().host}/shop/cache/web-admin/main`);
  });

  it('makes requests linear in repositories and tags', async () => {
    const { client, events } = clientFor(registry());
    const entries = await listCacheRefs(client, { repository: cacheRepository, service: 'web' });
    const count = (operation: string) => events.filter((e) => e.operation === operation).length;
    const catalog = await clientFor(registry()).client.listCatalog();
    const pathRepositories = catalog.filter((name) => name.startsWith('shop/cache/web/'));
    expect(pathRepositories).toContain('shop/cache/web/gone');
    expect(count('catalog.list')).toBe(1);
    // One listing per path repository (the emptied one included), one for the tag strategy.
    expect(count('tags.list')).toBe(pathRepositories.length + 1);
    // One manifest GET per tag found (BuildKit's `cache` tags and tag-strategy refs are tags too).
    const tagsFound = entries.reduce((sum, entry) => sum + entry.tags.length, 0);
    expect(count('manifest.get')).toBe(tagsFound);
    // One config GET per distinct buildah image config.
    const configs = entries
      .filter((entry) => entry.layout === 'repository')
      .reduce((sum, entry) => sum + entry.digests.length, 0);
    expect(count('blob.get')).toBe(configs);
    expect(events).toHaveLength(1 + pathRepositories.length + 1 + tagsFound + configs);
  });

  it('deleting a repository entry removes all its tags, each manifest once, and nothing else', async () => {
    const { client, events } = clientFor(registry());
    const before = await snapshotRegistry(client);
    const main = repositoryEntry(
      await listCacheRefs(client, { repository: cacheRepository, service: 'web' }),
      'main',
    );
    events.length = 0;
    const result = await deleteCacheRefs(client, [main]);
    expect(result).toEqual({ deleted: [main], failed: [] });
    expect(events.filter((e) => e.operation === 'manifest.delete')).toHaveLength(3);

    const after = await snapshotRegistry(client);
    expect(after).toEqual({ ...before, 'shop/cache/web/main': [] });
    const left = await listCacheRefs(client, { repository: cacheRepository, service: 'web' });
    expect(left.map(key)).not.toContain('repository:path:main');
    expect(left).toHaveLength(6);
  });

  it('deleteRepositoryTags empties one repository, or removes only the tags asked for', async () => {
    const { client } = clientFor(registry());
    const before = await snapshotRegistry(client);
    const mixed = 'shop/cache/web/pr-9';
    const layerTag = pushed[mixed]![0]!.tag;
    expect(
      await deleteRepositoryTags(client, mixed, { tags: [layerTag, cacheKey('never pushed')] }),
    ).toMatchObject({
      deleted: [{ tag: layerTag, digest: pushed[mixed]![0]!.digest }],
      missing: [cacheKey('never pushed')],
    });
    expect(await client.listTags(mixed)).toEqual(['cache']);

    const result = await deleteRepositoryTags(client, 'shop/cache/web/main-2');
    expect(result.deleted.map((d) => d.tag)).toEqual(before['shop/cache/web/main-2']);
    expect(await snapshotRegistry(client)).toEqual({
      ...before,
      [mixed]: ['cache'],
      'shop/cache/web/main-2': [],
    });
    expect(await deleteRepositoryTags(client, 'shop/cache/never-existed')).toEqual({
      deleted: [],
      missing: [],
    });
  });
});
