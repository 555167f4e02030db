import { cacheLocation, runExportTag } from '@deployer/cache-ref';
import type { RequestEvent } from '@deployer/registry';
import { describe, expect, it } from 'vitest';
import { createRegistryPort } from '../src/index.js';
import { anyBuildUuid } from './helpers/build-uuids.js';
import { exportBuildkitCache } from './helpers/buildkit-cache.js';
import { pushImage } from './helpers/image.js';
import { useRegistry } from './helpers/registry.js';

const registry = useRegistry();
const run = { runId: 'run-a', startedAt: new Date('2024-05-01T12:00:00Z') };

function portWithEvents() {
  const events: RequestEvent[] = [];
  const port = createRegistryPort({
    clientOptions: { credentials: 'anonymous', onRequest: (event) => events.push(event) },
  });
  return { port, events };
}

/** Every blob a BuildKit cache index references exists in its repository. */
async function assertComplete(port: ReturnType<typeof createRegistryPort>, repository: string, tag: string) {
  const client = port.client(registry().host);
  const fetched = await client.getManifest(repository, tag);
  const descriptors = 'manifests' in fetched.manifest ? fetched.manifest.manifests : [];
  expect(descriptors.length).toBeGreaterThan(0);
  for (const descriptor of descriptors) {
    expect(await client.headBlob(repository, descriptor.digest)).toBe(descriptor.size);
  }
  return fetched;
}

describe('promoteCache', () => {
  it('is one PUT of the run tag’s exact bytes; the untagged run tag is gone and :cache intact', async () => {
    const { port, events } = portWithEvents();
    const host = registry().host;
    const repository = cacheLocation({
      registry: host,
      repository: 'shop',
      service: 'web',
      buildUuid: anyBuildUuid('pr-1'),
      strategy: 'path',
    }).repository;
    const runTag = runExportTag('cache', run);
    const client = port.client(host);
    const older = await exportBuildkitCache(client, { repository, tag: 'cache', layers: [{ size: 64 }] });
    const written = await exportBuildkitCache(client, {
      repository,
      tag: runTag,
      layers: [{ size: 100, createdAt: '2024-05-01T12:00:05Z' }, { size: 200 }],
    });
    const runBytes = (await client.getManifest(repository, runTag)).bytes;

    events.length = 0;
    const digest = await port.promoteCache(`${host}/${repository}:${runTag}`, `${host}/${repository}:cache`);
    expect(digest).toBe(written.digest);
    expect(digest).not.toBe(older.digest);
    const writes = events.filter((event) => event.method !== 'GET' && event.method !== 'HEAD');
    expect(writes.map((event) => [event.method, event.operation, event.status])).toEqual([
      ['PUT', 'manifest.put', 201],
    ]);
    const promoted = await assertComplete(port, repository, 'cache');
    expect(promoted.bytes.equals(runBytes)).toBe(true);
    expect(promoted.mediaType).toBe((await client.getManifest(repository, runTag)).mediaType);

    expect(await port.untag(`${host}/${repository}:${runTag}`)).toBe(true);
    expect(await client.listTags(repository)).toEqual(['cache']);
    expect((await assertComplete(port, repository, 'cache')).digest).toBe(written.digest);
  });

  it('with the run tag read first (runExportManifest), promotes by one request: the PUT of those bytes', async () => {
    const { port, events } = portWithEvents();
    const host = registry().host;
    const repository = 'shop/read-first/pr-1';
    const runTag = runExportTag('cache', run);
    const client = port.client(host);
    const runRef = `${host}/${repository}:${runTag}`;
    expect(await port.runExportManifest(runRef)).toBeNull();
    await exportBuildkitCache(client, { repository, tag: 'cache', layers: [{ size: 64 }] });
    const written = await exportBuildkitCache(client, {
      repository,
      tag: runTag,
      layers: [{ size: 100 }, { size: 200 }],
    });

    const manifest = await port.runExportManifest(runRef);
    expect(manifest?.digest).toBe(written.digest);
    events.length = 0;
    const digest = await port.promoteCache(runRef, `${host}/${repository}:cache`, { manifest: manifest! });
    expect(digest).toBe(written.digest);
    expect(events.map((event) => [event.method, event.operation, event.status])).toEqual([
      ['PUT', 'manifest.put', 201],
    ]);
    const promoted = await assertComplete(port, repository, 'cache');
    expect(promoted.digest).toBe(written.digest);
    expect(promoted.bytes.equals(Buffer.from(manifest!.bytes))).toBe(true);
    expect(promoted.mediaType).toBe(manifest!.mediaType);
  });

  it('refuses to promote across repositories, writing nothing', async () => {
    const { port, events } = portWithEvents();
    const host = registry().host;
    await pushImage(port.client(host), 'shop/api/pr-2', 'cache--run-x');
    events.length = 0;
    await expect(
      port.promoteCache(`${host}/shop/api/pr-2:cache--run-x`, `${host}/shop/api/pr-3:cache`),
    ).rejects.toThrow(/not the same repository/);
    expect(events).toEqual([]);
  });
});

describe('run export tags in the inventory', () => {
  it('are listed for gc and never shown as environments or buildah layers', async () => {
    const { port } = portWithEvents();
    const host = registry().host;
    const client = port.client(host);
    const path = (uuid: string) =>
      cacheLocation({
        registry: host,
        repository: 'inv',
        service: 'web',
        buildUuid: anyBuildUuid(uuid),
        strategy: 'path',
      });
    const tag = (uuid: string) =>
      cacheLocation({
        registry: host,
        repository: 'inv',
        service: 'web',
        buildUuid: anyBuildUuid(uuid),
        strategy: 'tag',
      });
    await exportBuildkitCache(client, {
      repository: path('main').repository,
      tag: 'cache',
      layers: [{ size: 10 }],
    });
    await exportBuildkitCache(client, {
      repository: path('main').repository,
      tag: runExportTag('cache', run),
      layers: [{ size: 10 }],
    });
    // A run that died before its first promotion: only a run tag in its repository.
    await exportBuildkitCache(client, {
      repository: path('pr-9').repository,
      tag: runExportTag('cache', run),
      layers: [{ size: 10 }],
    });
    await exportBuildkitCache(client, { repository: 'inv', tag: tag('main').tag, layers: [{ size: 10 }] });
    await exportBuildkitCache(client, {
      repository: 'inv',
      tag: runExportTag(tag('main').tag, run),
      layers: [{ size: 10 }],
    });
    // Another service's run tag in the same repository is not web's.
    await exportBuildkitCache(client, {
      repository: 'inv',
      tag: runExportTag('cache-api-main', run),
      layers: [{ size: 10 }],
    });

    const refs = await port.listCacheRefs(`${host}/inv`, 'web');
    expect(refs.map((ref) => [ref.layout, ref.ref]).sort()).toEqual(
      [
        ['tag', `${host}/${path('main').repository}:cache`],
        ['tag', `${host}/inv:${tag('main').tag}`],
      ].sort(),
    );
    const runs = await port.listRunExports(`${host}/inv`, 'web');
    expect(runs.map((found) => found.ref).sort()).toEqual(
      [
        `${host}/${path('main').repository}:${runExportTag('cache', run)}`,
        `${host}/${path('pr-9').repository}:${runExportTag('cache', run)}`,
        `${host}/inv:${runExportTag(tag('main').tag, run)}`,
      ].sort(),
    );
    expect(runs.every((found) => found.startedAt.getTime() === run.startedAt.getTime())).toBe(true);
  });
});
