import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { MediaTypes, RegistryError } from '../src/index.js';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();

async function skopeoAvailable(): Promise<boolean> {
  const result = await execa('skopeo', ['--version'], { reject: false });
  return result.exitCode === 0;
}

describe('pushing an image', () => {
  it('pings the registry', async () => {
    const { client } = clientFor(registry());
    expect(await client.ping()).toEqual({ apiVersion: 'registry/2.0' });
  });

  it('pushes config, layers and manifest that the registry serves back byte for byte', async () => {
    const { client } = clientFor(registry());
    const image = await pushImage(client, 'shop/web', 'v1', { layers: 3 });
    const head = await client.headManifest('shop/web', 'v1');
    expect(head).toMatchObject({ digest: image.digest, mediaType: MediaTypes.ociManifest });
    expect(await client.resolveTag('shop/web', 'v1')).toBe(image.digest);
    const fetched = await client.getManifest('shop/web', image.digest);
    expect(fetched.manifest).toEqual(image.manifest);
    for (const digest of [image.configDigest, ...image.layerDigests]) {
      expect(await client.headBlob('shop/web', digest)).toBeGreaterThan(0);
    }
    const config = JSON.parse((await client.getBlob('shop/web', image.configDigest)).toString('utf8'));
    expect(config.rootfs.diff_ids).toHaveLength(3);
  });

  it('skips uploading a blob the repository already has', async () => {
    const { client, events } = clientFor(registry());
    const data = Buffer.from('same bytes twice');
    expect((await client.uploadBlob('shop/dedupe', data)).uploaded).toBe(true);
    const before = events.length;
    expect((await client.uploadBlob('shop/dedupe', data)).uploaded).toBe(false);
    expect(events.slice(before).map((e) => e.method)).toEqual(['HEAD']);
  });

  it('reports unknown manifests, blobs and repositories with the registry codes', async () => {
    const { client } = clientFor(registry());
    await pushImage(client, 'shop/codes', 'v1', { layers: 1 });
    expect(await client.headManifest('shop/codes', 'missing')).toBeUndefined();
    const manifestError = await client.getManifest('shop/codes', 'missing').catch((e: unknown) => e);
    expect(manifestError).toBeInstanceOf(RegistryError);
    expect(manifestError).toMatchObject({ code: 'MANIFEST_UNKNOWN', status: 404, operation: 'manifest.get' });
    expect((manifestError as RegistryError).ref).toBe(`${registry().host}/shop/codes:missing`);
    const blobError = await client.getBlob('shop/codes', `sha256:${'1'.repeat(64)}`).catch((e: unknown) => e);
    expect(blobError).toMatchObject({ code: 'BLOB_UNKNOWN', status: 404 });
    await expect(client.listTags('no/such/repo')).rejects.toMatchObject({
      code: 'NAME_UNKNOWN',
      status: 404,
    });
  });

  it('pushes an image skopeo can inspect', async (ctx) => {
    if (!(await skopeoAvailable())) {
      console.warn('skopeo is not installed (apt-get install skopeo): skipping the skopeo cross-check');
      ctx.skip();
      return;
    }
    const { client } = clientFor(registry());
    const image = await pushImage(client, 'shop/skopeo', 'v1', { layers: 2, mediaTypes: 'docker' });
    const { stdout } = await execa('skopeo', [
      'inspect',
      '--tls-verify=false',
      `docker://${registry().host}/shop/skopeo:v1`,
    ]);
    const inspected = JSON.parse(stdout) as {
      Digest: string;
      Layers: string[];
      Architecture: string;
      Os: string;
      Labels: Record<string, string>;
    };
    expect(inspected.Digest).toBe(image.digest);
    expect(inspected.Layers).toEqual(image.layerDigests);
    expect(inspected.Architecture).toBe('amd64');
    expect(inspected.Os).toBe('linux');
    expect(inspected.Labels['org.example.test']).toBe('v1');
  });
});
