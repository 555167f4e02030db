import { runExportTag } from '@deployer/cache-ref';
import { type RequestEvent, sha256Digest } from '@deployer/registry';
import { afterAll, describe, expect, it } from 'vitest';
import { createRegistryPort } from '../src/index.js';
import { exportBuildkitCache } from './helpers/buildkit-cache.js';
import { pushImage } from './helpers/image.js';
import { startMountRefusingProxy } from './helpers/mount-refusing-proxy.js';
import { useRegistry } from './helpers/registry.js';

// Seeding a new environment's cache ref from its fallback's, against a real distribution registry: the
// blobs must end up in the environment's repository without a single blob being downloaded or uploaded.
const registry = useRegistry();
const run = { runId: 'run-seed', startedAt: new Date('2024-05-01T12:00:00Z') };
const runTag = runExportTag('cache', run);

function portWithEvents() {
  const events: RequestEvent[] = [];
  const port = createRegistryPort({
    clientOptions: { credentials: 'anonymous', onRequest: (event) => events.push(event) },
  });
  return { port, events };
}

const summary = (events: readonly RequestEvent[]) =>
  events.map(({ method, operation, status }) => `${method} ${operation} ${status}`);

/** Everything that moved blob bytes: blob GETs and uploads (POST without mount, PATCH, PUT of a blob). */
const blobTraffic = (events: readonly RequestEvent[]) =>
  events.filter(
    (event) =>
      event.operation.startsWith('blob.upload') || (event.operation === 'blob.get' && event.method === 'GET'),
  );

async function deleteBlob(host: string, repository: string, digest: string) {
  const response = await fetch(`http://${host}/v2/${repository}/blobs/${digest}`, { method: 'DELETE' });
  expect(response.status).toBe(202);
}

describe('seedCacheRef (path strategy: across repositories)', () => {
  it('mounts every blob the fallback cache references and puts its exact bytes: no blob travels', async () => {
    const { port, events } = portWithEvents();
    const host = registry().host;
    const client = port.client(host);
    const main = await exportBuildkitCache(client, {
      repository: 'shop/cache/web/main',
      tag: 'cache',
      layers: [{ size: 3000 }, { size: 5000 }, { size: 700 }],
      duplicateFirstLayer: true,
    });
    events.length = 0;

    const result = await port.seedCacheRef(
      `${host}/shop/cache/web/main:cache`,
      `${host}/shop/cache/web/pr-1:${runTag}`,
    );

    // Three layers (one listed twice) and the cache config: four distinct blobs, each mounted once.
    expect(result).toEqual({
      status: 'mounted',
      digest: main.digest,
      blobs: 4,
      bytes: main.blobBytes,
      mounts: 4,
      manifest: { digest: main.digest, mediaType: expect.any(String), bytes: expect.any(Uint8Array) },
    });
    // The bytes to promote from are the ones written: the source's, byte for byte.
    expect(result.status === 'mounted' && sha256Digest(result.manifest!.bytes)).toBe(main.digest);
    expect(summary(events).sort()).toEqual(
      [
        'GET manifest.get 200',
        'POST blob.mount 201',
        'POST blob.mount 201',
        'POST blob.mount 201',
        'POST blob.mount 201',
        'PUT manifest.put 201',
      ].sort(),
    );
    expect(summary(events).at(-1)).toBe('PUT manifest.put 201');
    expect(blobTraffic(events)).toEqual([]);
    const seeded = await client.getManifest('shop/cache/web/pr-1', runTag);
    const source = await client.getManifest('shop/cache/web/main', 'cache');
    expect(seeded.bytes.equals(source.bytes)).toBe(true);
    expect(seeded.mediaType).toBe(source.mediaType);
    for (const entry of main.index.manifests) {
      expect(await client.headBlob('shop/cache/web/pr-1', entry.digest)).toBe(entry.size);
    }
    // Only the run tag was written: the fallback keeps its one tag.
    expect(await client.listTags('shop/cache/web/pr-1')).toEqual([runTag]);
    expect(await client.listTags('shop/cache/web/main')).toEqual(['cache']);
  });

  it('reports a blob gone from the fallback repository as a corrupt source and writes no manifest', async () => {
    const { port } = portWithEvents();
    const host = registry().host;
    const client = port.client(host);
    const main = await exportBuildkitCache(client, {
      repository: 'shop/cache/api/main',
      tag: 'cache',
      layers: [{ size: 1000 }, { size: 2000 }],
    });
    const lost = main.index.manifests[1]!.digest;
    await deleteBlob(host, 'shop/cache/api/main', lost);

    const result = await port.seedCacheRef(
      `${host}/shop/cache/api/main:cache`,
      `${host}/shop/cache/api/pr-2:${runTag}`,
    );

    expect(result).toMatchObject({ status: 'none', refusal: 'source-corrupt', blobs: 3 });
    expect(result.status === 'none' && result.message).toContain(lost);
    expect(await client.headManifest('shop/cache/api/pr-2', runTag)).toBeUndefined();
  });

  it('says so when the fallback is absent or holds an image instead of a cache, writing nothing', async () => {
    const { port, events } = portWithEvents();
    const host = registry().host;
    await pushImage(port.client(host), 'shop/cache/db/main', 'cache');
    events.length = 0;

    const absent = await port.seedCacheRef(
      `${host}/shop/cache/db/nobody:cache`,
      `${host}/shop/cache/db/pr-3:${runTag}`,
    );
    const image = await port.seedCacheRef(
      `${host}/shop/cache/db/main:cache`,
      `${host}/shop/cache/db/pr-3:${runTag}`,
    );

    expect(absent).toMatchObject({ status: 'none', refusal: 'source-absent', blobs: 0, bytes: 0 });
    expect(image).toMatchObject({ status: 'none', refusal: 'not-a-cache' });
    expect(events.filter((event) => event.method !== 'GET')).toEqual([]);
  });
});

describe('seedCacheRef (tag strategy: one repository)', () => {
  it('checks the blobs are there, mounts nothing and puts the manifest under the new tag', async () => {
    const { port, events } = portWithEvents();
    const host = registry().host;
    const client = port.client(host);
    const main = await exportBuildkitCache(client, {
      repository: 'acme/cache',
      tag: 'cache-web-main',
      layers: [{ size: 400 }, { size: 800 }],
    });
    const ownRunTag = runExportTag('cache-web-pr-4', run);
    events.length = 0;

    const result = await port.seedCacheRef(
      `${host}/acme/cache:cache-web-main`,
      `${host}/acme/cache:${ownRunTag}`,
    );

    expect(result).toEqual({
      status: 'mounted',
      digest: main.digest,
      blobs: 3,
      bytes: main.blobBytes,
      mounts: 0,
      manifest: { digest: main.digest, mediaType: expect.any(String), bytes: expect.any(Uint8Array) },
    });
    expect(summary(events).sort()).toEqual(
      [
        'GET manifest.get 200',
        'HEAD blob.head 200',
        'HEAD blob.head 200',
        'HEAD blob.head 200',
        'PUT manifest.put 201',
      ].sort(),
    );
    expect((await client.listTags('acme/cache')).sort()).toEqual(['cache-web-main', ownRunTag].sort());
  });
});

describe('seedCacheRef against a registry that does not mount (202)', () => {
  const proxies: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const proxy of proxies) await proxy.close();
  });

  it('cancels every upload session the registry opened, writes no manifest and says why', async () => {
    const host = registry().host;
    const proxy = await startMountRefusingProxy(host);
    proxies.push(proxy);
    const { port, events } = portWithEvents();
    const direct = port.client(host);
    const main = await exportBuildkitCache(direct, {
      repository: 'shop/cache/worker/main',
      tag: 'cache',
      layers: [{ size: 900 }, { size: 1100 }],
    });
    events.length = 0;

    const result = await port.seedCacheRef(
      `${proxy.host}/shop/cache/worker/main:cache`,
      `${proxy.host}/shop/cache/worker/pr-5:${runTag}`,
    );

    expect(result).toMatchObject({
      status: 'none',
      refusal: 'mount-refused',
      blobs: 3,
      bytes: main.blobBytes,
    });
    expect(result.status === 'none' && result.message).toMatch(/did not mount .* \(it answered 202/);
    const mounts = events.filter((event) => event.operation === 'blob.mount');
    const cancels = events.filter((event) => event.operation === 'blob.upload.cancel');
    expect(mounts.map((event) => event.status)).toEqual([202, 202, 202]);
    expect(cancels.map((event) => event.status)).toEqual([204, 204, 204]);
    // The blobs are there, so the refusal is the registry's, not a corrupt fallback.
    expect(events.filter((event) => event.operation === 'blob.head').map((event) => event.status)).toEqual([
      200, 200, 200,
    ]);
    expect(events.filter((event) => event.operation === 'manifest.put')).toEqual([]);
    expect(await direct.headManifest('shop/cache/worker/pr-5', runTag)).toBeUndefined();
    for (const entry of main.index.manifests) {
      expect(await direct.headBlob('shop/cache/worker/pr-5', entry.digest)).toBeUndefined();
    }
  });
});
