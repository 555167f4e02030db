import { describe, expect, it } from 'vitest';
import { MediaTypes, mapLimit } from '../src/index.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();

async function pushTinyManifests(repository: string, tags: string[]) {
  const { client } = clientFor(registry());
  const config = await client.uploadBlob(repository, Buffer.from('{"architecture":"amd64","os":"linux"}'));
  await mapLimit(tags, 8, (tag) =>
    client.putManifest(repository, tag, {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers: [],
      annotations: { tag },
    }),
  );
}

describe('listing with pagination', () => {
  it('lists more than 250 tags', async () => {
    const tags = Array.from({ length: 260 }, (_, i) => `t-${String(i).padStart(3, '0')}`);
    await pushTinyManifests('many/tags', tags);
    const { client, events } = clientFor(registry());
    const listed = await client.listTags('many/tags', { pageSize: 100 });
    expect(listed.sort()).toEqual(tags);
    // distribution 2.8 ignores `n` for tags and sends all of them at once; newer registries page with Link.
    const listCalls = events.filter((e) => e.operation === 'tags.list');
    expect(listCalls[0]?.url).toContain('n=100');
  });

  it('walks the catalog page by page through Link headers', async () => {
    const repositories = Array.from({ length: 255 }, (_, i) => `catalog/r${String(i).padStart(3, '0')}`);
    const { client } = clientFor(registry());
    const config = await client.uploadBlob('catalog/seed', Buffer.from('{}'));
    await mapLimit(repositories, 8, async (repository) => {
      await client.mountBlob(repository, config.digest, 'catalog/seed');
      await client.putManifest(repository, 'v1', {
        schemaVersion: 2,
        mediaType: MediaTypes.ociManifest,
        config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
        layers: [],
      });
    });
    const counted = clientFor(registry());
    const pages: string[][] = [];
    for await (const page of counted.client.listCatalogPages({ pageSize: 100 })) pages.push(page);
    const all = pages.flat();
    expect(all.filter((name) => name.startsWith('catalog/r'))).toEqual(repositories);
    expect(new Set(all).size).toBe(all.length);
    expect(pages.map((p) => p.length).slice(0, 2)).toEqual([100, 100]);
    const catalogCalls = counted.events.filter((e) => e.operation === 'catalog.list');
    expect(catalogCalls.length).toBe(Math.ceil(all.length / 100));
    expect(catalogCalls[1]?.url).toMatch(/last=/);
  });
});
