import { cacheLocation } from '@deployer/cache-ref';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import type { RequestEvent } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryPort, type RegistryPortAdapter } from '../src/index.js';
import { anyBuildUuid } from './helpers/build-uuids.js';
import { buildahLayer, pushBuildahCacheImage, snapshotRegistry } from './helpers/buildah-cache.js';
import { exportBuildkitCache } from './helpers/buildkit-cache.js';
import { pushImage } from './helpers/image.js';

// Images and caches on different registries, as a spec may configure them.
let images: LocalRegistry;
let caches: LocalRegistry;
let port: RegistryPortAdapter;
const events: RequestEvent[] = [];

beforeAll(async () => {
  [images, caches] = await Promise.all([startLocalRegistry(), startLocalRegistry()]);
  port = createRegistryPort({
    clientOptions: { credentials: 'anonymous', onRequest: (event) => events.push(event) },
  });
});

afterAll(async () => {
  await Promise.all([images?.stop(), caches?.stop()]);
});

describe('createRegistryPort', () => {
  it('routes refs to one client per registry host', async () => {
    expect(port.client(images.host)).toBe(port.client(images.host));
    expect(port.client(images.host)).not.toBe(port.client(caches.host));
    const pushed = await pushImage(port.client(images.host), 'shop/web', 'abc123abc123');
    expect(await port.imageDigest(`${images.host}/shop/web:abc123abc123`)).toBe(pushed.digest);
    expect(await port.imageDigest(`${caches.host}/shop/web:abc123abc123`)).toBeNull();
    const urls = new Set(events.map((event) => new URL(event.url).host));
    expect(urls).toEqual(new Set([images.host, caches.host]));
  });

  it('tags, lists and deletes image tags', async () => {
    const source = `${images.host}/shop/api:0123456789ab`;
    const pushed = await pushImage(port.client(images.host), 'shop/api', '0123456789ab');
    expect(await port.tagImage(source, `${images.host}/shop/api:pr-1`)).toBe(pushed.digest);
    expect((await port.listTags(`${images.host}/shop/api`)).sort()).toEqual(['0123456789ab', 'pr-1']);
    expect(await port.listTags(`${images.host}/shop/nothing`)).toEqual([]);
    expect(await port.deleteTag(`${images.host}/shop/api:pr-1`)).toBe(true);
    expect(await port.deleteTag(`${images.host}/shop/api:pr-1`)).toBe(false);
    // Deleting the manifest took the other tag on it along.
    expect(await port.listTags(`${images.host}/shop/api`)).toEqual([]);
    await expect(port.tagImage(source, `${caches.host}/shop/api:pr-1`)).rejects.toThrow(
      /different registries/,
    );
  });

  it('lists both cache layouts and deletes a cache repository', async () => {
    const client = port.client(caches.host);
    const at = (buildUuid: string) =>
      cacheLocation({
        registry: caches.host,
        repository: 'shop/cache',
        service: 'web',
        buildUuid: anyBuildUuid(buildUuid),
        strategy: 'path',
      });
    const buildkit = await exportBuildkitCache(client, {
      ...at('pr-1'),
      layers: [{ size: 100, createdAt: '2024-01-01T00:00:00Z' }],
    });
    const layer = buildahLayer('a.bin');
    const first = await pushBuildahCacheImage(client, at('pr-2').repository, {
      layers: [layer],
      created: '2024-02-01T00:00:00Z',
    });
    const second = await pushBuildahCacheImage(client, at('pr-2').repository, {
      layers: [layer, buildahLayer('b.bin')],
      created: '2024-02-02T00:00:00Z',
    });
    await pushBuildahCacheImage(client, at('pr-22').repository, { layers: [layer] });

    const refs = await port.listCacheRefs(`${caches.host}/shop/cache`, 'web');
    expect(refs).toEqual([
      {
        strategy: 'path',
        layout: 'tag',
        ref: `${caches.host}/shop/cache/web/pr-1:cache`,
        buildUuid: 'pr-1',
        digest: buildkit.digest,
        tags: ['cache'],
        sizeBytes: buildkit.blobBytes,
        createdAt: new Date('2024-01-01T00:00:00Z'),
      },
      {
        strategy: 'path',
        layout: 'repository',
        ref: `${caches.host}/shop/cache/web/pr-2`,
        buildUuid: 'pr-2',
        digest: null,
        tags: expect.arrayContaining([first.tag, second.tag]) as string[],
        sizeBytes: expect.any(Number) as number,
        createdAt: new Date('2024-02-02T00:00:00Z'),
      },
      expect.objectContaining({ layout: 'repository', buildUuid: 'pr-22' }),
    ]);

    const before = await snapshotRegistry(client);
    expect((await port.deleteRepositoryTags(`${caches.host}/shop/cache/web/pr-2`)).sort()).toEqual(
      [first.tag, second.tag].sort(),
    );
    expect(await snapshotRegistry(client)).toEqual({ ...before, 'shop/cache/web/pr-2': [] });
    expect(await port.deleteRepositoryTags(`${caches.host}/shop/cache/web/pr-2`)).toEqual([]);
  });

  it('refuses an image ref where a repository is expected', async () => {
    await expect(port.deleteRepositoryTags(`${caches.host}/shop/cache/web/pr-1:cache`)).rejects.toThrow(
      /expected a repository/,
    );
    await expect(port.listCacheRefs(`${caches.host}/shop/cache:x`, 'web')).rejects.toThrow(TypeError);
  });
});
