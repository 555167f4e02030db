import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { MediaTypes, type RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRegistryPort, type RegistryPortAdapter, removeImageTags } from '../src/index.js';
import { pushImage } from './helpers/image.js';

// The image operations `down` and `cache gc` remove images with, against a real registry: every tag with
// its digest, an image's build time, and removing tags so that an image goes only when no other tag
// points at it, decided on the repository as it is when removing.
let registry: LocalRegistry;
let port: RegistryPortAdapter;
let client: RegistryClient;

beforeAll(async () => {
  registry = await startLocalRegistry();
  port = createRegistryPort({ clientOptions: { credentials: 'anonymous' } });
  client = port.client(registry.host);
});

afterAll(async () => {
  await registry?.stop();
});

const content = (letter: string) => letter.repeat(64);
const byTag = (found: { tag: string; digest: string }[]) =>
  [...found].sort((a, b) => (a.tag < b.tag ? -1 : 1));

/** Pushes one image under every tag given; returns its digest and manifest. */
async function image(repository: string, tags: readonly string[]) {
  const [first, ...rest] = tags as [string, ...string[]];
  const pushed = await pushImage(client, repository, first);
  for (const tag of rest) await client.putManifest(repository, tag, pushed.manifest);
  return pushed;
}

describe('listTagDigests', () => {
  it('lists every tag with the digest it points at; nothing for a repository that does not exist', async () => {
    const a = await image('tags/web', ['a1', 'a2']);
    const b = await image('tags/web', ['b1']);
    expect(byTag(await port.listTagDigests(`${registry.host}/tags/web`))).toEqual([
      { tag: 'a1', digest: a.digest },
      { tag: 'a2', digest: a.digest },
      { tag: 'b1', digest: b.digest },
    ]);
    expect(await port.listTagDigests(`${registry.host}/tags/nothing`)).toEqual([]);
  });
});

describe('imageCreatedAt', () => {
  it("reads the config's created, by tag or digest; of an index its images' newest; null when gone", async () => {
    const pushed = await image('created/web', ['v1']);
    const built = new Date('2024-01-02T03:04:05Z');
    expect(await port.imageCreatedAt(`${registry.host}/created/web:v1`)).toEqual(built);
    expect(await port.imageCreatedAt(`${registry.host}/created/web@${pushed.digest}`)).toEqual(built);
    expect(await port.imageCreatedAt(`${registry.host}/created/web:nothing`)).toBeNull();
    // An attestation's config says no time: the index is as old as its image.
    const attestationConfig = await client.uploadBlob(
      'created/web',
      Buffer.from('{"architecture":"unknown"}'),
    );
    const attestation = await client.putManifest('created/web', 'attestation', {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: {
        mediaType: MediaTypes.ociConfig,
        digest: attestationConfig.digest,
        size: attestationConfig.size,
      },
      layers: [],
    });
    await client.putManifest('created/web', 'index', {
      schemaVersion: 2,
      mediaType: MediaTypes.ociIndex,
      manifests: [
        { mediaType: MediaTypes.ociManifest, digest: pushed.digest, size: 1 },
        { mediaType: MediaTypes.ociManifest, digest: attestation.digest, size: 1 },
      ],
    });
    expect(await port.imageCreatedAt(`${registry.host}/created/web:index`)).toEqual(built);
    expect(await port.imageCreatedAt(`${registry.host}/created/web:attestation`)).toBeNull();
  });
});

describe('removeImageTags', () => {
  it("deletes an image when every tag at it is the removal's, else untags only the tags that go in any case", async () => {
    const repository = 'remove/web';
    const [c, d] = [content('c'), content('d')];
    const only = await image(repository, ['pr-1', `pr-1.${c}`, c]);
    const shared = await image(repository, [`pr-1.${d}`, d, 'main']);
    const results = await port.removeImageTags(`${registry.host}/${repository}`, [
      { digest: only.digest, tags: ['pr-1', `pr-1.${c}`], withManifest: [c] },
      { digest: shared.digest, tags: [`pr-1.${d}`], withManifest: [d] },
    ]);
    expect(results).toEqual([
      { digest: only.digest, manifestDeleted: true, removed: ['pr-1', `pr-1.${c}`, c], otherTags: [] },
      { digest: shared.digest, manifestDeleted: false, removed: [`pr-1.${d}`], otherTags: ['main'] },
    ]);
    expect((await client.listTags(repository)).sort()).toEqual([d, 'main']);
    expect(await port.imageDigest(`${registry.host}/${repository}@${only.digest}`)).toBeNull();
    expect(await port.imageDigest(`${registry.host}/${repository}:main`)).toBe(shared.digest);
  });

  it('keeps the image when a tag written after the listing points at it (an environment skipping onto it)', async () => {
    const repository = 'remove/api';
    const e = content('e');
    const pushed = await image(repository, ['pr-2', `pr-2.${e}`, e]);
    // Another environment tags the image once the repository was listed, before anything is removed.
    let tagged = false;
    const racing = new Proxy(client, {
      get(target, property) {
        if (property === 'headManifest' && !tagged) {
          return async (...args: Parameters<RegistryClient['headManifest']>) => {
            tagged = true;
            await target.putManifest(repository, `pr-3.${e}`, pushed.manifest);
            return target.headManifest(...args);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const [result] = await removeImageTags(racing, repository, [
      { digest: pushed.digest, tags: ['pr-2', `pr-2.${e}`], withManifest: [e] },
    ]);
    expect(result).toEqual({
      digest: pushed.digest,
      manifestDeleted: false,
      removed: ['pr-2', `pr-2.${e}`],
      otherTags: [`pr-3.${e}`],
    });
    expect((await client.listTags(repository)).sort()).toEqual([e, `pr-3.${e}`]);
  });

  it('leaves a tag that points at another image by now', async () => {
    const repository = 'remove/worker';
    const before = await image(repository, ['pr-4']);
    const now = await image(repository, ['pr-4-next']);
    await client.putManifest(repository, 'pr-4', now.manifest);
    const [result] = await port.removeImageTags(`${registry.host}/${repository}`, [
      { digest: before.digest, tags: ['pr-4'], withManifest: [] },
    ]);
    expect(result).toEqual({ digest: before.digest, manifestDeleted: false, removed: [], otherTags: [] });
    expect((await client.listTags(repository)).sort()).toEqual(['pr-4', 'pr-4-next']);
  });
});
