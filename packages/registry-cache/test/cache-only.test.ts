import { cacheLocation } from '@deployer/cache-ref';
import type { ResolvedStrategy } from '@deployer/contracts';
import { type ImageIndex, MediaTypes } from '@deployer/registry';
import { describe, expect, it } from 'vitest';
import { inspectCacheTag, isBuildkitCacheManifest, listCacheRefs, removeCacheTags } from '../src/index.js';
import { anyBuildUuid } from './helpers/build-uuids.js';
import { exportBuildkitCache } from './helpers/buildkit-cache.js';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

// `down` and `cache gc` delete only caches. These tests put images where caches would be, against a real
// registry, and check that the inventory does not report them and that removal never takes them.
const registry = useRegistry();
const repository = 'shop/cache';

function where(service: string, buildUuid: string | null, strategy: ResolvedStrategy) {
  return cacheLocation({
    registry: registry().host,
    repository,
    service,
    buildUuid: buildUuid === null ? null : anyBuildUuid(buildUuid),
    strategy,
  });
}

const createdAt = '2024-05-01T10:00:00Z';

describe('what counts as a cache', () => {
  it("is BuildKit's index with its cache config, or its image-manifest=true form; never an image", async () => {
    const { client } = clientFor(registry());
    const cache = await exportBuildkitCache(client, {
      repository: 'kinds',
      tag: 'cache',
      layers: [{ size: 10 }, { size: 20, createdAt }],
    });
    expect(isBuildkitCacheManifest(cache.index)).toBe(true);

    const image = await pushImage(client, 'kinds', 'image');
    expect(isBuildkitCacheManifest(image.manifest)).toBe(false);
    const multiPlatform: ImageIndex = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        {
          mediaType: MediaTypes.ociManifest,
          digest: image.digest,
          size: (await client.headManifest('kinds', 'image'))!.size,
          platform: { architecture: 'amd64', os: 'linux' },
        },
      ],
    };
    await client.putManifest('kinds', 'multi', multiPlatform);
    expect(isBuildkitCacheManifest(multiPlatform)).toBe(false);

    // BuildKit ≥ 0.12 with image-manifest=true (ECR): an image manifest whose config is the cache config.
    const configDescriptor = cache.index.manifests.find(
      (d) => d.mediaType === MediaTypes.buildkitCacheConfig,
    )!;
    const imageManifestCache = {
      schemaVersion: 2 as const,
      mediaType: MediaTypes.ociManifest,
      config: configDescriptor,
      layers: cache.index.manifests.filter((d) => d !== configDescriptor),
    };
    await client.putManifest('kinds', 'image-manifest-cache', imageManifestCache);
    expect(isBuildkitCacheManifest(imageManifestCache)).toBe(true);

    const inspected = await Promise.all(
      ['cache', 'image', 'multi', 'image-manifest-cache', 'absent'].map((tag) =>
        inspectCacheTag(client, 'kinds', tag),
      ),
    );
    expect(inspected.map((found) => found?.cache ?? null)).toEqual([true, false, false, true, null]);
    expect(inspected[1]).toEqual({
      digest: image.digest,
      cache: false,
      mediaType: MediaTypes.ociManifest,
      createdAt: null,
    });
    // A cache says how fresh it is: its newest createdat, in either form.
    expect(inspected[0]?.createdAt).toEqual(new Date(createdAt));
    expect(inspected[3]?.createdAt).toEqual(new Date(createdAt));
  });
});

describe('the inventory reports only caches', () => {
  it('leaves out images at cache-shaped tags and non-cache-key tags in a buildah repository', async () => {
    const { client } = clientFor(registry());
    const tagCache = where('web', 'main', 'tag');
    const tagImage = where('web', 'pr-1', 'tag');
    const pathImage = where('web', 'pr-1', 'path');
    const pathCache = where('web', 'main', 'path');
    await exportBuildkitCache(client, { ...tagCache, layers: [{ size: 10, createdAt }] });
    await exportBuildkitCache(client, { ...pathCache, layers: [{ size: 10, createdAt }] });
    await pushImage(client, tagImage.repository, tagImage.tag);
    await pushImage(client, pathImage.repository, pathImage.tag);
    // A buildah cache repository with one cache-key tag and one tag that is no cache key.
    const buildahKey = 'a'.repeat(64);
    await pushImage(client, pathCache.repository, buildahKey);
    await pushImage(client, pathCache.repository, 'latest');

    const entries = await listCacheRefs(client, { repository, service: 'web' });
    expect(entries.map((entry) => [entry.layout, entry.ref, entry.tags])).toEqual([
      ['tag', `${registry().host}/${pathCache.repository}:cache`, ['cache']],
      ['repository', `${registry().host}/${pathCache.repository}`, [buildahKey]],
      ['tag', `${registry().host}/${repository}:${tagCache.tag}`, [tagCache.tag]],
    ]);
  });
});

describe('removing cache tags', () => {
  it('deletes a manifest only its own tags name; else only the tag goes; a rewritten tag stays', async () => {
    const { client } = clientFor(registry());
    const repo = 'removal';
    // An environment warmed entirely from main exports main's cache byte for byte: one manifest, two tags.
    const main = await exportBuildkitCache(client, {
      repository: repo,
      tag: 'cache-web-main',
      layers: [{ size: 10, createdAt }],
    });
    await client.putManifest(
      repo,
      'cache-web-pr-1',
      Buffer.from((await client.getManifest(repo, 'cache-web-main')).bytes),
      {
        mediaType: MediaTypes.ociIndex,
      },
    );
    const alone = await exportBuildkitCache(client, {
      repository: repo,
      tag: 'cache-web-pr-2',
      layers: [{ size: 20, createdAt }],
    });
    const rewritten = await exportBuildkitCache(client, {
      repository: repo,
      tag: 'cache-web-pr-3',
      layers: [{ size: 30, createdAt }],
    });
    await exportBuildkitCache(client, {
      repository: repo,
      tag: 'cache-web-pr-3',
      layers: [{ size: 31, createdAt }],
    });

    const removed = await removeCacheTags(client, repo, [
      { tag: 'cache-web-pr-1', digest: main.digest },
      { tag: 'cache-web-pr-2', digest: alone.digest },
      { tag: 'cache-web-pr-3', digest: rewritten.digest },
      { tag: 'cache-web-absent', digest: alone.digest },
    ]);
    expect(removed.sort()).toEqual(['cache-web-pr-1', 'cache-web-pr-2']);
    expect((await client.headManifest(repo, 'cache-web-main'))?.digest).toBe(main.digest);
    expect(await client.headManifest(repo, 'cache-web-pr-1')).toBeUndefined();
    expect(await client.headManifest(repo, alone.digest)).toBeUndefined();
    expect(await client.headManifest(repo, 'cache-web-pr-3')).toBeDefined();
    expect((await client.listTags(repo)).sort()).toEqual(['cache-web-main', 'cache-web-pr-3']);

    // Both tags of the shared manifest going together delete the manifest itself.
    await client.putManifest(
      repo,
      'cache-web-pr-1',
      Buffer.from((await client.getManifest(repo, 'cache-web-main')).bytes),
      {
        mediaType: MediaTypes.ociIndex,
      },
    );
    const both = await removeCacheTags(client, repo, [
      { tag: 'cache-web-main', digest: main.digest },
      { tag: 'cache-web-pr-1', digest: main.digest },
    ]);
    expect(both.sort()).toEqual(['cache-web-main', 'cache-web-pr-1']);
    expect(await client.headManifest(repo, main.digest)).toBeUndefined();
  });
});
