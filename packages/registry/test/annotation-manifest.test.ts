import { describe, expect, it } from 'vitest';
import { annotationManifestDigest } from '../src/index.js';
import { clientFor, useRegistry } from './helpers/registry.js';

const registry = useRegistry();

const requests = (
  events: readonly { method: string; operation: string; status?: number; error?: string }[],
) => events.map((event) => `${event.method} ${event.operation} ${event.status ?? event.error}`);

describe('annotation manifests', () => {
  it('uploads the empty config only where the registry lacks it, then puts each manifest in one request', async () => {
    const { client, events } = clientFor(registry());
    const first = await client.putAnnotationManifest('records/lease', 'lease', { 'io.test.run': 'a' });
    // A new repository: the manifest is refused for its unknown config, which is then uploaded (no need to
    // ask whether the refused config exists first).
    expect(requests(events)).toEqual([
      'PUT manifest.put 400',
      'POST blob.upload 202',
      'PUT blob.upload 201',
      'PUT manifest.put 201',
    ]);
    const fetched = await client.getManifest('records/lease', 'lease');
    expect(fetched.digest).toBe(first.digest);
    expect(fetched.manifest.annotations).toEqual({ 'io.test.run': 'a' });
    const config = (fetched.manifest as { config: { digest: string; size: number } }).config;
    expect(await client.headBlob('records/lease', config.digest)).toBe(config.size);

    events.length = 0;
    const second = await client.putAnnotationManifest('records/lease', 'other', { 'io.test.run': 'b' });
    expect(requests(events)).toEqual(['PUT manifest.put 201']);
    expect(second.digest).not.toBe(first.digest);
    expect((await client.getManifest('records/lease', 'other')).manifest.annotations).toEqual({
      'io.test.run': 'b',
    });
  });

  it('has the digest annotationManifestDigest computes without asking the registry', async () => {
    const { client } = clientFor(registry());
    const annotations = { 'io.test.run': 'digest', 'io.test.at': '2024-05-01T12:00:00.000Z' };
    const put = await client.putAnnotationManifest('records/digest', 'known', annotations);
    expect(annotationManifestDigest(annotations)).toBe(put.digest);
    expect((await client.getManifest('records/digest', 'known')).digest).toBe(put.digest);
    expect(annotationManifestDigest({ 'io.test.run': 'other' })).not.toBe(put.digest);
  });

  it('untag of an existing tag takes a look, one manifest PUT and one delete', async () => {
    const { client, events } = clientFor(registry());
    await client.putAnnotationManifest('records/untag', 'keep', { 'io.test.run': 'keep' });
    await client.putAnnotationManifest('records/untag', 'gone', { 'io.test.run': 'gone' });
    events.length = 0;
    expect(await client.untag('records/untag', 'gone')).toBe(true);
    expect(requests(events)).toEqual([
      'HEAD manifest.head 200',
      'PUT manifest.put 201',
      'DELETE manifest.delete 202',
    ]);
    expect(await client.listTags('records/untag')).toEqual(['keep']);
  });
});
