import type { RegistryPort } from '@deployer/contracts';
import type { RegistryClient } from '@deployer/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentCacheRefs, environmentCacheRepository } from '../src/cache/environment-caches.js';
import { collectGarbage, downEnvironment } from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { pushCache, pushImage } from './support/seed.js';

// `down` and `cache gc` delete only caches, against a real registry: images at cache-shaped refs stay,
// and a fallback's cache stays even when it is byte for byte the environment's.
const shared = useRegistryEnvironments('only');
const environment = shared.environment;
let client: RegistryClient;
let port: RegistryPort;

beforeAll(() => {
  client = shared.client();
  port = shared.port();
});

const day = 86_400_000;
const longAgo = () => new Date(Date.now() - 90 * day);

describe('an image at a tag shaped like a cache ref', () => {
  it('is kept by down and by cache gc, under both strategies and in a buildah cache repository', async () => {
    const env = await environment();
    const [pathRef, tagRef] = environmentCacheRefs(env, 'web', validUuid('pr-1')) as [string, string];
    expect(tagRef).toMatch(/\/only\d+\/cache:cache-web-pr-1$/);
    const pathImage = await pushImage(client, [pathRef], 'an image, not a cache');
    const tagImage = await pushImage(client, [tagRef], 'another image, not a cache');
    const buildahRepository = environmentCacheRepository(env, 'web', validUuid('pr-1'))!;
    const notACacheKey = await pushImage(client, [`${buildahRepository}:latest`], 'not a cache key');

    const gc = await collectGarbage(env, { registry: port, olderThanMs: 0, fallbacks: [] });
    expect(gc.entries).toEqual([]);

    const down = await downEnvironment(env, {
      registry: port,
      buildUuid: validUuid('pr-1'),
      services: ['web'],
    });
    const caches = down.actions.filter((action) => action.kind === 'cache');
    expect(caches.map((action) => [action.ref, action.action, action.deleted])).toEqual([
      [pathRef, 'keep', false],
      [tagRef, 'keep', false],
      [buildahRepository, 'absent', false],
    ]);
    expect(caches[0]!.reason).toMatch(/^not a cache: application\/vnd\.oci\.image\.manifest\.v1\+json/);
    expect(await port.imageDigest(pathRef)).toBe(pathImage);
    expect(await port.imageDigest(tagRef)).toBe(tagImage);
    expect(await port.imageDigest(`${buildahRepository}:latest`)).toBe(notACacheKey);
  });
});

describe("a fallback's cache identical to the environment's", () => {
  it('keeps its manifest when down or gc removes the environment’s tag', async () => {
    const env = await environment();
    const mainRef = environmentCacheRefs(env, 'web', validUuid('main'))[1]!;
    const digest = await pushCache(client, mainRef, longAgo());
    // Warmed entirely from main, pr-1 and pr-2 exported the very same cache: one manifest, three tags.
    const bytes = Buffer.from((await client.getManifest(...split(mainRef))).bytes);
    for (const uuid of ['pr-1', 'pr-2']) {
      const ref = environmentCacheRefs(env, 'web', validUuid(uuid))[1]!;
      const [repository, tag] = split(ref);
      await client.putManifest(repository, tag, bytes, {
        mediaType: 'application/vnd.oci.image.index.v1+json',
      });
      expect(await port.imageDigest(ref)).toBe(digest);
    }

    const down = await downEnvironment(env, {
      registry: port,
      buildUuid: validUuid('pr-1'),
      services: ['web'],
    });
    expect(down.actions.find((action) => action.ref.endsWith(':cache-web-pr-1'))).toMatchObject({
      action: 'delete',
      deleted: true,
    });
    expect(await port.imageDigest(environmentCacheRefs(env, 'web', validUuid('pr-1'))[1]!)).toBeNull();
    expect(await port.imageDigest(mainRef)).toBe(digest);

    const gc = await collectGarbage(env, { registry: port, olderThanMs: day, services: ['web'] });
    const judged = gc.entries.map((entry) => [entry.buildUuid, entry.action, entry.deleted]);
    expect(judged.sort()).toEqual([
      ['main', 'keep', false],
      ['pr-2', 'delete', true],
    ]);
    expect(await port.imageDigest(environmentCacheRefs(env, 'web', validUuid('pr-2'))[1]!)).toBeNull();
    expect(await port.imageDigest(mainRef)).toBe(digest);
  });
});

describe('a crafted build uuid', () => {
  it('`cache-web-main` takes down its own refs, never main’s cache of web', async () => {
    const env = await environment();
    const mainRefs = environmentCacheRefs(env, 'web', validUuid('main'));
    const mainDigests = await Promise.all(mainRefs.map((ref) => pushCache(client, ref, longAgo())));
    const craftedRefs = environmentCacheRefs(env, 'web', validUuid('cache-web-main'));
    for (const ref of craftedRefs) await pushCache(client, ref, longAgo());
    expect(craftedRefs.some((ref) => mainRefs.includes(ref))).toBe(false);

    const down = await downEnvironment(env, { registry: port, buildUuid: validUuid('cache-web-main') });
    expect(down.actions.filter((action) => action.deleted).map((action) => action.ref)).toEqual(craftedRefs);
    expect(await Promise.all(mainRefs.map((ref) => port.imageDigest(ref)))).toEqual(mainDigests);
  });
});

function split(ref: string): [string, string] {
  const withoutHost = ref.slice(ref.indexOf('/') + 1);
  const colon = withoutHost.lastIndexOf(':');
  return [withoutHost.slice(0, colon), withoutHost.slice(colon + 1)];
}
