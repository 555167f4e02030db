import { describe, expect, it } from 'vitest';
import { RegistryError } from '../src/index.js';
import { pushImage } from './helpers/image.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();

describe('delete and promote', () => {
  it('deletes by digest, after which the manifest is MANIFEST_UNKNOWN', async () => {
    const { client } = clientFor(registry());
    const image = await pushImage(client, 'app/api', 'pr-1');
    await client.deleteManifest('app/api', image.digest);
    const error = await client.getManifest('app/api', image.digest).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RegistryError);
    expect((error as RegistryError).code).toBe('MANIFEST_UNKNOWN');
    await expect(client.resolveTag('app/api', 'pr-1')).rejects.toMatchObject({ code: 'MANIFEST_UNKNOWN' });
    await expect(client.deleteManifest('app/api', image.digest)).rejects.toMatchObject({
      code: 'MANIFEST_UNKNOWN',
      status: 404,
      operation: 'manifest.delete',
    });
  });

  it('refuses to delete by tag instead of sending it', async () => {
    const { client, events } = clientFor(registry());
    await expect(client.deleteManifest('app/api', 'latest')).rejects.toThrow(TypeError);
    expect(events).toHaveLength(0);
  });

  it('deleteTag resolves the tag and deletes its manifest', async () => {
    const { client } = clientFor(registry());
    const image = await pushImage(client, 'app/worker', 'pr-2');
    await pushImage(client, 'app/worker', 'pr-3');
    expect(await client.deleteTag('app/worker', 'pr-2')).toBe(image.digest);
    expect(await client.headManifest('app/worker', 'pr-2')).toBeUndefined();
    expect(await client.listTags('app/worker')).toEqual(['pr-3']);
  });

  it('untag removes exactly one tag of an image other tags still use', async () => {
    const { client } = clientFor(registry());
    const image = await pushImage(client, 'app/shared', 'pr-4');
    await client.copyManifest({ repository: 'app/shared', reference: 'pr-4', toReference: 'main' });
    await client.copyManifest({ repository: 'app/shared', reference: 'pr-4', toReference: 'pr-5' });

    expect(await client.untag('app/shared', 'pr-4')).toBe(true);
    expect(await client.headManifest('app/shared', 'pr-4')).toBeUndefined();
    expect((await client.listTags('app/shared')).sort()).toEqual(['main', 'pr-5']);
    expect(await client.resolveTag('app/shared', 'main')).toBe(image.digest);
    expect((await client.getManifest('app/shared', image.digest)).digest).toBe(image.digest);
    expect(await client.untag('app/shared', 'pr-4')).toBe(false);
  });

  it('untag of a tag the caller knows exists skips the check: a put and a delete, other tags kept', async () => {
    const { client, events } = clientFor(registry());
    const image = await pushImage(client, 'app/known', 'run-1');
    await client.copyManifest({ repository: 'app/known', reference: 'run-1', toReference: 'cache' });
    await client.copyManifest({ repository: 'app/known', reference: 'run-1', toReference: 'earlier' });
    // The repository's first placeholder also uploads the empty config: not what is counted below.
    expect(await client.untag('app/known', 'earlier')).toBe(true);
    events.length = 0;

    expect(await client.untag('app/known', 'run-1', { exists: true })).toBe(true);
    expect(events.map((e) => e.method)).toEqual(['PUT', 'DELETE']);
    expect(await client.headManifest('app/known', 'run-1')).toBeUndefined();
    expect(await client.listTags('app/known')).toEqual(['cache']);
    expect(await client.resolveTag('app/known', 'cache')).toBe(image.digest);
    // Gone after all (another remover came first): it stays gone.
    expect(await client.untag('app/known', 'run-1', { exists: true })).toBe(true);
    expect(await client.listTags('app/known')).toEqual(['cache']);
  });

  it('promotes a manifest to another tag with the same digest', async () => {
    const { client } = clientFor(registry());
    const image = await pushImage(client, 'app/web', 'pr-7');
    const promoted = await client.copyManifest({
      repository: 'app/web',
      reference: 'pr-7',
      toReference: 'production',
    });
    expect(promoted.digest).toBe(image.digest);
    expect(await client.resolveTag('app/web', 'production')).toBe(image.digest);
    expect((await client.listTags('app/web')).sort()).toEqual(['pr-7', 'production']);
  });

  it('promotes into another repository by mounting the blobs', async () => {
    const { client, events } = clientFor(registry());
    const image = await pushImage(client, 'staging/web', 'rc-1', { layers: 2 });
    const promoted = await client.copyManifest({
      repository: 'staging/web',
      reference: 'rc-1',
      toRepository: 'release/web',
      toReference: '1.0.0',
    });
    expect(promoted.digest).toBe(image.digest);
    expect(events.filter((e) => e.operation === 'blob.mount' && e.status === 201)).toHaveLength(3);
    const fetched = await client.getManifest('release/web', '1.0.0');
    expect(fetched.digest).toBe(image.digest);
    expect(await client.headBlob('release/web', image.layerDigests[0]!)).toBeGreaterThan(0);
  });

  it('mountBlob reports false when the source does not have the blob', async () => {
    const { client } = clientFor(registry());
    await pushImage(client, 'mount/src', 'v1', { layers: 1 });
    expect(await client.mountBlob('mount/dst', `sha256:${'2'.repeat(64)}`, 'mount/src')).toBe(false);
  });
});
