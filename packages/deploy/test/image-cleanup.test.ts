import type { RegistryPort } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  collectGarbage,
  downEnvironment,
  type Environment,
  planEnvironment,
  type ServicePlan,
  Supersession,
} from '../src/index.js';
import { validUuid, validUuids } from './support/build-uuids.js';
import { PushingEngine } from './support/pushing-engine.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { pushImage, snapshotRegistry } from './support/seed.js';

// Images an environment's builds leave, against a real registry, built and skipped through
// buildEnvironment: each push writes the content tag, the environment tag and the ownership tag
// `<uuid>.<content>`; `down` removes every image only the environment used, `cache gc` those of
// environments that are gone, and neither ever an image a fallback or another environment uses.
const shared = useRegistryEnvironments('images');
const day = 86_400_000;
const engine = new PushingEngine(() => shared.client());
const port = (): RegistryPort => shared.port();

/** One push of an environment: the files of web and api say their content. Returns each service's plan. */
async function deploy(
  env: Environment,
  buildUuid: string,
  contents: { web: string; api?: string },
  created = new Date(),
  force = false,
): Promise<Record<'web' | 'api', ServicePlan>> {
  await shared.write('web/app.txt', contents.web);
  await shared.write('api/app.txt', contents.api ?? 'api v1');
  engine.created = created;
  const plan = await planEnvironment(env, { buildUuid: validUuid(buildUuid), registry: port(), force });
  const report = await buildEnvironment(plan, { engine, registry: port(), supersession: new Supersession() });
  expect(report.ok, JSON.stringify(report.services, null, 1)).toBe(true);
  const [web, api] = plan.services as [ServicePlan, ServicePlan];
  return { web, api };
}

const repositoryOf = (env: Environment, service: string) => `${env.registry.repository}/${service}`;
const tagsOf = async (env: Environment, service: string) =>
  (
    await shared
      .client()
      .listTags(repositoryOf(env, service))
      .catch(() => [])
  ).sort();
const tagOf = (ref: string) => ref.slice(ref.lastIndexOf(':') + 1);
const sorted = <T>(rows: T[]) => rows.map((row) => JSON.stringify(row)).sort();

describe('down removes the images of every push', () => {
  it("a pull request pushed three times: its images go, main's (older ones too) and those it shares stay", async () => {
    const env = await shared.environment();
    const m1 = await deploy(env, 'main', { web: 'main 1' });
    const m2 = await deploy(env, 'main', { web: 'main 2' });
    expect(m2.api.action).toBe('skip');
    const p1 = await deploy(env, 'pr-1', { web: 'pr 1' });
    // The pull request did not change api: it skipped onto main's image.
    expect(p1.api.action).toBe('skip');
    const p2 = await deploy(env, 'pr-1', { web: 'pr 2' });
    const p3 = await deploy(env, 'pr-1', { web: 'pr 3' });
    // main merges the second push: it skips onto the pull request's image.
    const merged = await deploy(env, 'main', { web: 'pr 2' });
    expect(merged.web).toMatchObject({ action: 'skip', tag: p2.web.tag });
    const [w1, w2, w3, w4, w5] = [m1, m2, p1, p2, p3].map((plan) => plan.web.tag) as string[] as [
      string,
      string,
      string,
      string,
      string,
    ];
    const api = m1.api.tag;
    expect(new Set([w1, w2, w3, w4, w5]).size).toBe(5);
    const mainWeb = [w1, w2, w4, 'main', `main.${w1}`, `main.${w2}`, `main.${w4}`];
    expect(await tagsOf(env, 'web')).toEqual(
      [...mainWeb, w3, w5, 'pr-1', `pr-1.${w3}`, `pr-1.${w4}`, `pr-1.${w5}`].sort(),
    );
    expect(await tagsOf(env, 'api')).toEqual([api, 'main', `main.${api}`, 'pr-1', `pr-1.${api}`].sort());
    const webRepository = p1.web.image.slice(0, p1.web.image.lastIndexOf(':'));
    const digestsOf = (tags: string[]) =>
      Promise.all(tags.map((tag) => port().imageDigest(`${webRepository}:${tag}`)));
    const mainDigests = await digestsOf(mainWeb);

    const before = await snapshotRegistry(shared.client());
    const images = (result: Awaited<ReturnType<typeof downEnvironment>>) =>
      sorted(
        result.actions
          .filter((action) => action.kind === 'image')
          .map((action) => [action.service, tagOf(action.ref), action.action, action.deleted]),
      );
    const expected = (deleted: boolean) =>
      sorted([
        ['web', 'pr-1', 'delete', deleted],
        ['web', `pr-1.${w5}`, 'delete', deleted],
        ['web', w5, 'delete', deleted],
        ['web', `pr-1.${w3}`, 'delete', deleted],
        ['web', w3, 'delete', deleted],
        // main uses the second push's image now: only the pull request's tag goes.
        ['web', `pr-1.${w4}`, 'untag', deleted],
        ['web', w4, 'keep', false],
        ['api', 'pr-1', 'untag', deleted],
        ['api', `pr-1.${api}`, 'untag', deleted],
        ['api', api, 'keep', false],
      ]);
    const dry = await downEnvironment(env, { registry: port(), buildUuid: validUuid('pr-1'), dryRun: true });
    expect(images(dry)).toEqual(expected(false));
    expect(await snapshotRegistry(shared.client())).toEqual(before);
    const shared4 = dry.actions.find((action) => tagOf(action.ref) === w4)!;
    expect(shared4.reason).toBe(`content tag also recorded by main.${w4}: kept`);

    const result = await downEnvironment(env, { registry: port(), buildUuid: validUuid('pr-1') });
    expect(images(result)).toEqual(expected(true));
    expect(await tagsOf(env, 'web')).toEqual([...mainWeb].sort());
    expect(await tagsOf(env, 'api')).toEqual([api, 'main', `main.${api}`].sort());
    expect(await digestsOf(mainWeb)).toEqual(mainDigests);
    // Nothing left of the environment: one absent action per service.
    const again = await downEnvironment(env, {
      registry: port(),
      buildUuid: validUuid('pr-1'),
      dryRun: true,
    });
    expect(images(again)).toEqual(
      sorted([
        ['web', 'pr-1', 'absent', false],
        ['api', 'pr-1', 'absent', false],
      ]),
    );
  });

  it('an image nobody recorded as its own (built before ownership tags) gets no ownership tag from a skip, and stays', async () => {
    const env = await shared.environment();
    await shared.write('web/app.txt', 'legacy');
    await shared.write('api/app.txt', 'api v1');
    const [legacy] = (await planEnvironment(env, { buildUuid: validUuid('main') })).services as [ServicePlan];
    // main built it before ownership tags existed; main's tag has moved on since.
    await pushImage(shared.client(), [legacy.image], 'legacy web');
    const pr = await deploy(env, 'pr-2', { web: 'legacy' });
    expect(pr.web.action).toBe('skip');
    expect(await tagsOf(env, 'web')).toEqual([legacy.tag, 'pr-2']);

    const result = await downEnvironment(env, { registry: port(), buildUuid: validUuid('pr-2') });
    expect(result.actions.filter((action) => action.kind === 'image')).toEqual([
      expect.objectContaining({
        service: 'web',
        ref: pr.web.environmentImage,
        action: 'untag',
        reason: `image shared with tags ${legacy.tag}: only this tag goes`,
        deleted: true,
      }),
      expect.objectContaining({
        service: 'api',
        ref: pr.api.environmentImage,
        action: 'delete',
        deleted: true,
      }),
      expect.objectContaining({
        service: 'api',
        ref: pr.api.ownershipImage,
        action: 'delete',
        deleted: true,
      }),
      expect.objectContaining({ service: 'api', ref: pr.api.image, action: 'delete', deleted: true }),
    ]);
    expect(await tagsOf(env, 'web')).toEqual([legacy.tag]);
    expect(await tagsOf(env, 'api')).toEqual([]);
  });

  it('a content built twice (two environments at once) keeps its tag while the other records it', async () => {
    const env = await shared.environment();
    const first = await deploy(env, 'pr-8', { web: 'twice' });
    // pr-9 planned before pr-8 pushed, so it built the same content again: another image, the tag moved.
    const second = await deploy(env, 'pr-9', { web: 'twice' }, new Date(), true);
    const content = first.web.tag;
    expect(second.web.tag).toBe(content);
    const repository = repositoryOf(env, 'web');
    const digestOf = (tag: string) =>
      shared
        .client()
        .headManifest(repository, tag)
        .then((head) => head?.digest);
    const [of8, of9] = [await digestOf(`pr-8.${content}`), await digestOf(`pr-9.${content}`)];
    expect(of8).not.toBe(of9);
    expect(await digestOf(content)).toBe(of9);

    const down9 = await downEnvironment(env, {
      registry: port(),
      buildUuid: validUuid('pr-9'),
      services: ['web'],
    });
    expect(
      down9.actions
        .filter((action) => action.kind === 'image')
        .map((action) => [tagOf(action.ref), action.action, action.reason]),
    ).toEqual([
      ['pr-9', 'untag', `image shared with tags ${content}: only this tag goes`],
      [`pr-9.${content}`, 'untag', `image shared with tags ${content}: only this tag goes`],
      [content, 'keep', `content tag also recorded by pr-8.${content}: kept`],
    ]);
    expect(await tagsOf(env, 'web')).toEqual([content, 'pr-8', `pr-8.${content}`].sort());
    // The last one recording it goes: its own image, and the content tag with the image it points at.
    const down8 = await downEnvironment(env, {
      registry: port(),
      buildUuid: validUuid('pr-8'),
      services: ['web'],
    });
    expect(
      down8.actions
        .filter((action) => action.kind === 'image')
        .map((action) => [tagOf(action.ref), action.action, action.digest, action.deleted]),
    ).toEqual([
      ['pr-8', 'delete', of8, true],
      [`pr-8.${content}`, 'delete', of8, true],
      [content, 'delete', of9, true],
    ]);
    expect(await tagsOf(env, 'web')).toEqual([]);
  });

  it('an environment skipping onto the image while down decides keeps it', async () => {
    const env = await shared.environment();
    const pr = await deploy(env, 'pr-5', { web: 'racing' });
    const other = await planEnvironment(env, { buildUuid: validUuid('pr-6'), registry: port() });
    expect(other.services.map((service) => service.action)).toEqual(['skip', 'skip']);
    // pr-6 tags the images (its skip) after down listed the repository, before it removes anything.
    const racing: RegistryPort = {
      ...port(),
      removeImageTags: async (repository, removals, options) => {
        await buildEnvironment(other, { engine, registry: port(), supersession: new Supersession() });
        return port().removeImageTags(repository, removals, options);
      },
    };
    const result = await downEnvironment(env, {
      registry: racing,
      services: ['web'],
      buildUuid: validUuid('pr-5'),
    });
    expect(
      result.actions
        .filter((action) => action.kind === 'image')
        .map((action) => [tagOf(action.ref), action.action]),
    ).toEqual([
      ['pr-5', 'untag'],
      [`pr-5.${pr.web.tag}`, 'untag'],
      [pr.web.tag, 'keep'],
    ]);
    expect(await tagsOf(env, 'web')).toEqual([pr.web.tag, 'pr-6', `pr-6.${pr.web.tag}`].sort());
  });

  it('a skip onto an image deleted after the plan found it fails, and the next run builds it', async () => {
    const env = await shared.environment();
    await deploy(env, 'pr-3', { web: 'short-lived' });
    const plan = await planEnvironment(env, { buildUuid: validUuid('pr-4'), registry: port() });
    expect(plan.services.map((service) => service.action)).toEqual(['skip', 'skip']);
    // The last environment using the images goes before pr-4 tags them.
    await downEnvironment(env, { registry: port(), buildUuid: validUuid('pr-3') });
    const report = await buildEnvironment(plan, {
      engine,
      registry: port(),
      supersession: new Supersession(),
    });
    // Both skips fail: the first to find its image gone says so, and the run is cancelled then, so the
    // other may be stopped mid-way (never reported as a skip it could not confirm).
    for (const service of report.services) {
      expect(service).toMatchObject({ status: 'failed', failure: { cause: 'registry' } });
    }
    expect(report.services.map((service) => service.reason)).toContainEqual(
      expect.stringMatching(
        /was deleted after the plan found it \(a teardown of the last environment using it\): the next run builds it$/,
      ),
    );
    const again = await deploy(env, 'pr-4', { web: 'short-lived' });
    expect(again.web.action).toBe('build');
    expect(await tagsOf(env, 'web')).toEqual([again.web.tag, 'pr-4', `pr-4.${again.web.tag}`].sort());
  });
});

describe('cache gc of images', () => {
  it("collects a gone environment's images built before the cutoff; never a fallback's, a live one's, a current one", async () => {
    const env = await shared.environment();
    const old = new Date(Date.now() - 30 * day);
    const m0 = await deploy(env, 'main', { web: 'gc main 0' }, old);
    await deploy(env, 'main', { web: 'gc main 1' }, old);
    // `gone` first skipped onto main's older image, then built two of its own; it no longer exists.
    const g0 = await deploy(env, 'gone', { web: 'gc main 0' }, old);
    expect(g0.web.action).toBe('skip');
    const g1 = await deploy(env, 'gone', { web: 'gc gone 1' }, old);
    const g2 = await deploy(env, 'gone', { web: 'gc gone 2' }, old);
    // `live` is live (the server protects it like a fallback); `fresh` built its older image yesterday.
    await deploy(env, 'live', { web: 'gc live 1' }, old);
    await deploy(env, 'live', { web: 'gc live 2' }, old);
    const f1 = await deploy(env, 'fresh', { web: 'gc fresh 1' }, new Date(Date.now() - day));
    const f2 = await deploy(env, 'fresh', { web: 'gc fresh 2' });
    const [w0, w1, w2, wf1, wf2] = [m0.web.tag, g1.web.tag, g2.web.tag, f1.web.tag, f2.web.tag];
    const api = m0.api.tag;

    const options = { registry: port(), olderThanMs: 14 * day, fallbacks: validUuids('main', 'live') };
    const rows = (result: Awaited<ReturnType<typeof collectGarbage>>) =>
      sorted(
        result.images.map((entry) => [
          entry.service,
          tagOf(entry.ref),
          entry.buildUuid,
          entry.action,
          entry.deleted,
        ]),
      );
    const expected = (deleted: boolean) =>
      sorted([
        ['web', `gone.${w0}`, 'gone', 'untag', deleted],
        ['web', w0, null, 'keep', false],
        ['web', `gone.${w1}`, 'gone', 'delete', deleted],
        ['web', w1, null, 'delete', deleted],
        ['web', `gone.${w2}`, 'gone', 'keep', false],
        ['web', `fresh.${wf1}`, 'fresh', 'keep', false],
        ['web', `fresh.${wf2}`, 'fresh', 'keep', false],
        ['api', `gone.${api}`, 'gone', 'keep', false],
        ['api', `fresh.${api}`, 'fresh', 'keep', false],
      ]);
    const before = await snapshotRegistry(shared.client());
    const dry = await collectGarbage(env, { ...options, dryRun: true });
    expect(rows(dry)).toEqual(expected(false));
    expect(await snapshotRegistry(shared.client())).toEqual(before);
    const reasonOf = (tag: string) => dry.images.find((entry) => tagOf(entry.ref) === tag)!.reason;
    expect(reasonOf(`gone.${w2}`)).toBe('the current image of gone (its gone tag): only down removes it');
    expect(reasonOf(`fresh.${wf1}`)).toMatch(/^created \d{4}-/);
    expect(reasonOf(`gone.${w1}`)).toMatch(
      /^created .*, before .*; no other tag points at its image: deleted with it$/,
    );

    const result = await collectGarbage(env, options);
    expect(rows(result)).toEqual(expected(true));
    const webRepository = Object.keys(before).find((name) => name === repositoryOf(env, 'web'))!;
    expect(await tagsOf(env, 'web')).toEqual(
      before[webRepository]!.filter((tag) => ![`gone.${w0}`, `gone.${w1}`, w1].includes(tag)),
    );
    expect(await tagsOf(env, 'api')).toEqual(before[repositoryOf(env, 'api')]);
    // main's older image and its content tag, the live environment's older image: all still there.
    expect(await tagsOf(env, 'web')).toEqual(expect.arrayContaining([w0, `main.${w0}`, 'live']));
  });
});
