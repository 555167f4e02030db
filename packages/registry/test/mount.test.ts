import { describe, expect, it } from 'vitest';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

// Cross-repository mount against a real distribution registry: `POST /v2/<to>/blobs/uploads/?mount=&from=`.
const registry = useRegistry();

describe('mountBlob', () => {
  it('links a blob another repository has, without uploading it (201)', async () => {
    const { client, events } = clientFor(registry());
    const image = await pushImage(client, 'mount/source', 'v1', { layers: 1 });
    const layer = image.manifest.layers[0]!;
    events.length = 0;

    expect(await client.mountBlob('mount/target', layer.digest, 'mount/source')).toBe(true);

    expect(events.map(({ operation, method, status }) => ({ operation, method, status }))).toEqual([
      { operation: 'blob.mount', method: 'POST', status: 201 },
    ]);
    const url = new URL(events[0]!.url);
    expect(url.pathname).toBe('/v2/mount/target/blobs/uploads/');
    expect(Object.fromEntries(url.searchParams)).toEqual({ mount: layer.digest, from: 'mount/source' });
    expect(await client.headBlob('mount/target', layer.digest)).toBe(layer.size);
    expect(await client.getBlob('mount/target', layer.digest)).toEqual(
      await client.getBlob('mount/source', layer.digest),
    );
  });

  it('reports "not mounted" when the source lacks the blob (202) and cancels the upload it opened', async () => {
    const { client, events } = clientFor(registry());
    await pushImage(client, 'mount/other', 'v1', { layers: 1 });
    const missing = `sha256:${'3'.repeat(64)}`;
    events.length = 0;

    expect(await client.mountBlob('mount/empty', missing, 'mount/other')).toBe(false);

    expect(events.map(({ operation, method, status }) => ({ operation, method, status }))).toEqual([
      { operation: 'blob.mount', method: 'POST', status: 202 },
      { operation: 'blob.upload.cancel', method: 'DELETE', status: 204 },
    ]);
    // The upload session the registry opened instead is gone.
    const session = await fetch(events[1]!.url);
    expect(session.status).toBe(404);
    expect(await client.headBlob('mount/empty', missing)).toBeUndefined();
  });
});
