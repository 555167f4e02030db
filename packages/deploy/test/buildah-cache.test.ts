import type { RegistryPort } from '@deployer/contracts';
import type { LocalRegistry } from '@deployer/local-registry';
import type { RegistryClient } from '@deployer/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentCacheRefs, environmentCacheRepository } from '../src/cache/environment-caches.js';
import {
  collectGarbage,
  downEnvironment,
  type Environment,
  listEnvironmentCache,
  parseDuration,
} from '../src/index.js';
import { imageRef } from '../src/plan/image-refs.js';
import { ownershipTag } from '../src/plan/ownership-tag.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { pushBuildahCache, pushCache, pushImage, snapshotRegistry } from './support/seed.js';

const shared = useRegistryEnvironments('buildah', { cache: { strategy: 'path' } });
const environment = shared.environment;
let registry: LocalRegistry;
let client: RegistryClient;
let port: RegistryPort;

beforeAll(() => {
  registry = shared.registry();
  client = shared.client();
  port = shared.port();
});

const day = 86_400_000;

function cacheRepositoryOf(env: Environment, service: string, buildUuid: string): string {
  const repository = environmentCacheRepository(env, service, validUuid(buildUuid));
  if (repository === null) throw new Error('no cache repository');
  return repository;
}

/** `host/repo/x:tag` → the snapshot key `repo/x`. */
const pathOf = (ref: string) => ref.slice(registry.host.length + 1).replace(/:[^/:]*$/, '');

describe('down with buildah caches', () => {
  it("empties exactly the environment's buildah cache repositories, with its BuildKit refs and images", async () => {
    const env = await environment();
    const ownWeb = cacheRepositoryOf(env, 'web', 'pr-5');
    const ownApi = cacheRepositoryOf(env, 'api', 'pr-5');
    const webTags = await pushBuildahCache(client, ownWeb, [new Date(), new Date(), new Date()]);
    const apiTags = await pushBuildahCache(client, ownApi, [new Date(), new Date()]);
    // The same environment once built with BuildKit too: a `:cache` ref in its repository, a tag-strategy ref.
    const [pathRef, tagRef] = environmentCacheRefs(env, 'web', validUuid('pr-5')) as [string, string];
    expect(pathRef).toBe(`${ownWeb}:cache`);
    await pushCache(client, pathRef, new Date());
    await pushCache(client, tagRef, new Date());
    const webImage = imageRef(env.registry, 'web', 'pr-5');
    const content = 'abcdef0123456789'.repeat(4);
    const webOwnership = imageRef(env.registry, 'web', ownershipTag(validUuid('pr-5'), content));
    const webContent = imageRef(env.registry, 'web', content);
    await pushImage(client, [webOwnership, webContent, webImage], 'web of pr-5');
    // Neighbours: another environment whose uuid extends pr-5, a service whose name extends web, the
    // fallback, and a tag-strategy ref of pr-5-2.
    await pushBuildahCache(client, cacheRepositoryOf(env, 'web', 'pr-5-2'), [new Date()]);
    await pushBuildahCache(client, `${registry.host}/${env.cache.repository}/web-admin/pr-5`, [new Date()]);
    await pushBuildahCache(client, cacheRepositoryOf(env, 'web', 'main'), [new Date()]);
    await pushCache(client, environmentCacheRefs(env, 'web', validUuid('pr-5-2'))[1]!, new Date());
    const before = await snapshotRegistry(client);

    const dry = await downEnvironment(env, { registry: port, buildUuid: validUuid('pr-5'), dryRun: true });
    const planned = dry.actions.filter((action) => action.action === 'delete');
    expect(planned.map((action) => [action.service, action.ref, action.tags?.length])).toEqual([
      ['web', pathRef, undefined],
      ['web', tagRef, undefined],
      ['web', ownWeb, 3],
      ['web', webImage, undefined],
      ['web', webOwnership, undefined],
      ['web', webContent, undefined],
      ['api', ownApi, 2],
    ]);
    expect(planned.find((action) => action.ref === ownWeb)).toMatchObject({
      kind: 'cache',
      digest: null,
      reason: 'buildah cache repository, 3 tags',
      deleted: false,
    });
    expect(planned.find((action) => action.ref === ownWeb)!.tags!.sort()).toEqual([...webTags].sort());
    expect(dry.actions.every((action) => !action.deleted)).toBe(true);
    expect(await snapshotRegistry(client)).toEqual(before);

    const result = await downEnvironment(env, { registry: port, buildUuid: validUuid('pr-5') });
    const deleted = result.actions.filter((action) => action.deleted);
    expect(deleted.map((action) => action.ref)).toEqual(planned.map((action) => action.ref));
    expect(deleted.find((action) => action.ref === ownApi)!.tags!.sort()).toEqual([...apiTags].sort());

    const imageRepository = pathOf(webImage);
    const tagRepository = pathOf(tagRef);
    expect(await snapshotRegistry(client)).toEqual({
      ...before,
      [pathOf(ownWeb)]: [],
      [pathOf(ownApi)]: [],
      [tagRepository]: before[tagRepository]!.filter(
        (tag) => `${registry.host}/${tagRepository}:${tag}` !== tagRef,
      ),
      [imageRepository]: [],
    });

    // Nothing left to do: every cache action is absent now.
    const again = await downEnvironment(env, { registry: port, buildUuid: validUuid('pr-5'), dryRun: true });
    expect(again.actions.filter((action) => action.action !== 'absent')).toEqual([]);
  });
});

describe('cache gc and inventory with buildah caches', () => {
  it('collects old buildah repositories, keeps fresh, undated and fallback ones', async () => {
    const env = await environment();
    const now = new Date();
    const ago = (days: number) => new Date(now.getTime() - days * day);
    const repo = (uuid: string) => cacheRepositoryOf(env, 'web', uuid);
    // Newest image decides: 40 and 30 days old is old; 40 days and 1 day is fresh.
    await pushBuildahCache(client, repo('pr-old'), [ago(40), ago(30)]);
    await pushBuildahCache(client, repo('pr-new'), [ago(40), ago(1)]);
    await pushBuildahCache(client, repo('main'), [ago(90)]);
    await pushBuildahCache(client, repo('pr-undated'), [null, null]);
    await pushBuildahCache(client, cacheRepositoryOf(env, 'api', 'pr-old'), [ago(20)]);
    const buildkitOld = environmentCacheRefs(env, 'web', validUuid('pr-bk'))[0]!;
    await pushCache(client, buildkitOld, ago(20));

    const inventory = await listEnvironmentCache(env, { registry: port, buildUuid: validUuid('pr-new') });
    expect(inventory.map((entry) => [entry.buildUuid, entry.layout, entry.role, entry.ref])).toEqual([
      ['main', 'repository', 'fallback', repo('main')],
      ['pr-new', 'repository', 'own', repo('pr-new')],
    ]);
    const own = inventory[1]!;
    expect(own.tags).toHaveLength(2);
    expect(own.createdAt?.toISOString()).toBe(ago(1).toISOString());
    expect(own.sizeBytes).toBeGreaterThan(0);
    expect(await listEnvironmentCache(env, { registry: port })).toHaveLength(6);

    const before = await snapshotRegistry(client);
    const olderThanMs = parseDuration('14d');
    const dry = await collectGarbage(env, { registry: port, olderThanMs, now, dryRun: true });
    const planned = dry.entries.filter((entry) => entry.action === 'delete').map((entry) => entry.ref);
    expect(planned.sort()).toEqual(
      [buildkitOld, repo('pr-old'), cacheRepositoryOf(env, 'api', 'pr-old')].sort(),
    );
    const reasons = Object.fromEntries(dry.entries.map((entry) => [entry.buildUuid, entry.reason]));
    expect(reasons.main).toBe('fallback environment');
    expect(reasons['pr-undated']).toBe('no image created time: age unknown');
    expect(await snapshotRegistry(client)).toEqual(before);

    const result = await collectGarbage(env, { registry: port, olderThanMs, now });
    expect(
      result.entries
        .filter((entry) => entry.deleted)
        .map((entry) => entry.ref)
        .sort(),
    ).toEqual(planned.sort());
    expect(await snapshotRegistry(client)).toEqual({
      ...before,
      [pathOf(repo('pr-old'))]: [],
      [pathOf(cacheRepositoryOf(env, 'api', 'pr-old'))]: [],
      [pathOf(buildkitOld)]: [],
    });
    const left = await listEnvironmentCache(env, { registry: port });
    expect(left.map((entry) => entry.buildUuid).sort()).toEqual(['main', 'pr-new', 'pr-undated']);
  });
});
