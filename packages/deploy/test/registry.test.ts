import type { RegistryPort } from '@deployer/contracts';
import type { LocalRegistry } from '@deployer/local-registry';
import type { RegistryClient } from '@deployer/registry';
import { beforeAll, describe, expect, it } from 'vitest';
import { environmentCacheRefs } from '../src/cache/environment-caches.js';
import {
  buildEnvironment,
  collectGarbage,
  downEnvironment,
  listEnvironmentCache,
  parseDuration,
  planEnvironment,
  Supersession,
} from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { EngineTestFailure, engineResult, ScriptedEngine } from './support/scripted-engine.js';
import { pushCache, pushImage } from './support/seed.js';

const shared = useRegistryEnvironments('shop');
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

describe('plan against a real registry', () => {
  it('skips services whose image exists, unless forced; a skipped image gets the environment tag', async () => {
    const env = await environment();
    const first = await planEnvironment(env, { buildUuid: validUuid('pr-1'), registry: port });
    expect(first.services.map((service) => [service.service, service.action, service.reason])).toEqual([
      ['web', 'build', 'image missing'],
      ['api', 'build', 'image missing'],
    ]);
    const web = first.services[0]!;
    const digest = await pushImage(client, [web.image], 'web content');

    const second = await planEnvironment(env, { buildUuid: validUuid('pr-1'), registry: port });
    expect(second.services[0]).toMatchObject({
      action: 'skip',
      reason: 'image exists',
      existingDigest: digest,
    });
    expect(second.services[1]!.action).toBe('build');
    const forced = await planEnvironment(env, { buildUuid: validUuid('pr-1'), registry: port, force: true });
    expect(forced.services.map((service) => service.action)).toEqual(['build', 'build']);

    const engine = new ScriptedEngine();
    const done = buildEnvironment(second, { engine, registry: port, supersession: new Supersession() });
    await engine.started('pr-1', 'api');
    engine.complete('pr-1', 'api');
    const report = await done;
    expect(report.services[0]).toMatchObject({
      status: 'skipped',
      reason: 'image exists',
      digest,
      images: [web.image, web.environmentImage],
    });
    expect(engine.order).toEqual(['api']);
    expect(await port.imageDigest(web.environmentImage)).toBe(digest);
  });
});

describe('healing corrupt cache refs', () => {
  it('deletes the refs the engine reports corrupt, only those of the build cache plan', async () => {
    const env = await environment();
    const plan = await planEnvironment(env, { buildUuid: validUuid('pr-2'), registry: port });
    const web = plan.services[0]!;
    const api = plan.services[1]!;
    const mainRef = web.cache.imports.find((endpoint) => endpoint.buildUuid === 'main')!.ref;
    const apiMainRef = api.cache.imports.find((endpoint) => endpoint.buildUuid === 'main')!.ref;
    const foreignRef = `${registry.host}/elsewhere/cache:keep`;
    await pushCache(client, mainRef, new Date());
    await pushCache(client, apiMainRef, new Date());
    await pushCache(client, foreignRef, new Date());

    const engine = new ScriptedEngine();
    const done = buildEnvironment(plan, {
      engine,
      registry: port,
      keepGoing: true,
      supersession: new Supersession(),
    });
    await Promise.all([engine.started('pr-2', 'web'), engine.started('pr-2', 'api')]);
    engine.complete('pr-2', 'web', engineResult({ corruptCacheRefs: [mainRef], attempts: 2 }));
    engine.fail(
      'pr-2',
      'api',
      new EngineTestFailure('cache import failed', {
        code: 'CORRUPT_CACHE',
        kind: 'corrupt-cache',
        corruptCacheRefs: [apiMainRef, foreignRef],
      }),
    );
    const report = await done;

    expect(report.services[0]).toMatchObject({
      status: 'built',
      healed: true,
      corruptCacheRefs: [mainRef],
      attempts: 2,
    });
    expect(await port.imageDigest(mainRef)).toBeNull();
    // The plan's ref is deleted; one outside it is left alone, so the build is not reported healed.
    expect(report.services[1]).toMatchObject({ status: 'failed', healed: false });
    expect(await port.imageDigest(apiMainRef)).toBeNull();
    expect(await port.imageDigest(foreignRef)).not.toBeNull();
  });
});

describe('down', () => {
  it("deletes an environment's cache refs and images, only untagging images other tags still use", async () => {
    const env = await environment();
    const plan = await planEnvironment(env, { buildUuid: validUuid('pr-3') });
    const [web, api] = plan.services as [(typeof plan.services)[0], (typeof plan.services)[0]];
    const webCache = web.cache.export!.ref;
    const apiCache = api.cache.export!.ref;
    const mainCache = web.cache.imports.find((endpoint) => endpoint.buildUuid === 'main')!.ref;
    await pushCache(client, webCache, new Date());
    await pushCache(client, apiCache, new Date());
    await pushCache(client, mainCache, new Date());
    // As a build pushes them: ownership tag, content tag, environment tag.
    await pushImage(client, [web.ownershipImage!, web.image, web.environmentImage], 'web only in pr-3');
    const apiMain = api.environmentImage.replace(/:pr-3$/, ':main');
    const apiMainOwnership = api.ownershipImage!.replace(/:pr-3\./, ':main.');
    const shared = await pushImage(
      client,
      [api.ownershipImage!, api.image, api.environmentImage, apiMain, apiMainOwnership],
      'api shared with main',
    );

    const dry = await downEnvironment(env, { registry: port, buildUuid: validUuid('pr-3'), dryRun: true });
    expect(dry.actions.filter((action) => action.action === 'delete').map((action) => action.ref)).toEqual([
      webCache,
      web.environmentImage,
      web.ownershipImage,
      web.image,
      apiCache,
    ]);
    expect(dry.actions.some((action) => action.deleted)).toBe(false);
    expect(await port.imageDigest(webCache)).not.toBeNull();

    const result = await downEnvironment(env, { registry: port, buildUuid: validUuid('pr-3') });
    const apiImage = result.actions.find((action) => action.kind === 'image' && action.service === 'api')!;
    expect(apiImage).toMatchObject({
      ref: api.environmentImage,
      action: 'untag',
      reason: `image shared with tags ${api.tag}, main, main.${api.tag}: only this tag goes`,
      deleted: true,
    });
    expect(result.actions.find((action) => action.ref === api.image)).toMatchObject({
      action: 'keep',
      reason: `content tag also recorded by main.${api.tag}: kept`,
      deleted: false,
    });
    expect(result.actions.filter((action) => action.deleted).map((action) => action.ref)).toEqual([
      webCache,
      web.environmentImage,
      web.ownershipImage,
      web.image,
      apiCache,
      api.environmentImage,
      api.ownershipImage,
    ]);
    expect(await port.imageDigest(webCache)).toBeNull();
    expect(await port.imageDigest(apiCache)).toBeNull();
    expect(await port.imageDigest(web.environmentImage)).toBeNull();
    expect(await port.imageDigest(web.image)).toBeNull();
    expect(await port.listTags(web.image.replace(/:[^:/]+$/, ''))).toEqual([]);
    expect(await port.imageDigest(mainCache)).not.toBeNull();
    expect(await port.imageDigest(apiMain)).toBe(shared);
    expect(await port.imageDigest(api.image)).toBe(shared);
    expect(await port.imageDigest(api.environmentImage)).toBeNull();
    expect((await port.listTags(api.image.replace(/:[^:/]+$/, ''))).sort()).toEqual(
      [api.tag, 'main', `main.${api.tag}`].sort(),
    );
  });
});

describe('cache gc and inventory', () => {
  it('deletes refs older than the cutoff, never a fallback environment’s', async () => {
    const env = await environment();
    const now = new Date();
    const ref = (service: string, uuid: string) => environmentCacheRefs(env, service, validUuid(uuid))[0]!;
    const tagStrategyRef = environmentCacheRefs(env, 'web', validUuid('pr-9'))[1]!;
    expect(tagStrategyRef).toMatch(/:cache-web-pr-9$/);
    await pushCache(client, ref('web', 'pr-old'), new Date(now.getTime() - 30 * day));
    await pushCache(client, ref('web', 'pr-new'), new Date(now.getTime() - day));
    await pushCache(client, ref('web', 'main'), new Date(now.getTime() - 90 * day));
    await pushCache(client, ref('web', 'pr-undated'), null);
    await pushCache(client, ref('api', 'pr-old'), new Date(now.getTime() - 15 * day));
    await pushCache(client, tagStrategyRef, new Date(now.getTime() - 20 * day));

    const inventory = await listEnvironmentCache(env, { registry: port, buildUuid: validUuid('pr-new') });
    expect(inventory.map((entry) => [entry.service, entry.buildUuid, entry.role])).toEqual([
      ['web', 'main', 'fallback'],
      ['web', 'pr-new', 'own'],
    ]);
    const all = await listEnvironmentCache(env, { registry: port });
    expect(all).toHaveLength(6);

    const olderThanMs = parseDuration('14d');
    const dry = await collectGarbage(env, { registry: port, olderThanMs, now, dryRun: true });
    const planned = dry.entries.filter((entry) => entry.action === 'delete').map((entry) => entry.ref);
    expect(planned.sort()).toEqual([ref('api', 'pr-old'), ref('web', 'pr-old'), tagStrategyRef].sort());
    expect(dry.entries.every((entry) => !entry.deleted)).toBe(true);
    expect(dry.entries.find((entry) => entry.buildUuid === 'main')?.reason).toBe('fallback environment');

    const result = await collectGarbage(env, { registry: port, olderThanMs, now });
    expect(
      result.entries
        .filter((entry) => entry.deleted)
        .map((entry) => entry.ref)
        .sort(),
    ).toEqual(planned.sort());
    for (const deleted of planned) expect(await port.imageDigest(deleted)).toBeNull();
    const left = await listEnvironmentCache(env, { registry: port });
    expect(left.map((entry) => entry.buildUuid).sort()).toEqual(['main', 'pr-new', 'pr-undated']);
  });

  it('parses durations and refuses anything else', () => {
    expect(parseDuration('14d')).toBe(14 * day);
    expect(parseDuration('12h')).toBe(12 * 3_600_000);
    expect(parseDuration('30m')).toBe(30 * 60_000);
    expect(() => parseDuration('14', '--older-than')).toThrow(/--older-than "14"/);
    expect(() => parseDuration('2w')).toThrow(/d, h, m or s/);
    expect(() => parseDuration('0d')).toThrow();
  });
});
