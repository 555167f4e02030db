import { afterEach, describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  type DeployEvent,
  type EnvironmentPlan,
  loadEnvironment,
  planEnvironment,
  SpecError,
  Supersession,
} from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { createFixture, type Fixture, serviceFiles, specRef } from './support/fixture.js';
import { EngineTestFailure, ScriptedEngine } from './support/scripted-engine.js';

let fixture: Fixture | undefined;
afterEach(async () => {
  await fixture?.remove();
  fixture = undefined;
});

const registry = { host: 'registry.example.test', repository: 'shop' };
const uuid = 'wandering-credit-924200';

async function plan(
  services: Record<string, unknown>,
  buildUuid = uuid,
): Promise<{ plan: EnvironmentPlan; file: string }> {
  fixture ??= await createFixture(serviceFiles(Object.keys(services)));
  const file = await fixture.writeSpec({ registry, fallbacks: ['main'], services });
  return {
    plan: await planEnvironment(await loadEnvironment(file), { buildUuid: validUuid(buildUuid) }),
    file,
  };
}

/** Lets queued promise callbacks run, so "has not started" is observed after the scheduler had its turn. */
async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

const failure = (message: string) =>
  new EngineTestFailure(message, { code: 'STEP_FAILED', kind: 'user', step: 'RUN make' });

describe('buildEnvironment', () => {
  it('warms the engine up once per service it builds, before asking for the build', async () => {
    const { plan: environment } = await plan({
      base: { context: 'base' },
      web: { context: 'web', dependsOn: ['base'] },
    });
    const engine = new ScriptedEngine();
    const done = buildEnvironment(environment, { engine, concurrency: 2, supersession: new Supersession() });
    await engine.started(uuid, 'base');
    expect(engine.warmUps).toEqual([0]);
    engine.complete(uuid, 'base');
    await engine.started(uuid, 'web');
    expect(engine.warmUps).toEqual([0, 1]);
    engine.complete(uuid, 'web');
    expect((await done).ok).toBe(true);
  });

  it('builds dependencies first and passes their image refs on', async () => {
    const { plan: environment } = await plan({
      base: { context: 'base' },
      api: { context: 'api', dependsOn: ['base'], args: { BASE: specRef('services.base.image') } },
      worker: { context: 'worker', dependsOn: ['base'] },
      web: { context: 'web', dependsOn: ['api'] },
    });
    const engine = new ScriptedEngine();
    const events: DeployEvent[] = [];
    const done = buildEnvironment(environment, {
      engine,
      concurrency: 4,
      supersession: new Supersession(),
      onEvent: (event) => events.push(event),
    });

    await engine.started(uuid, 'base');
    await settle();
    expect(engine.building()).toEqual([`${uuid}/base`]);
    engine.complete(uuid, 'base');
    await Promise.all([engine.started(uuid, 'api'), engine.started(uuid, 'worker')]);
    await settle();
    expect(engine.building()).toEqual([`${uuid}/api`, `${uuid}/worker`]);
    engine.complete(uuid, 'api');
    await engine.started(uuid, 'web');
    engine.complete(uuid, 'worker');
    engine.complete(uuid, 'web');
    const report = await done;

    expect(report.ok).toBe(true);
    expect(report.totals).toEqual({ built: 4, skipped: 0, superseded: 0, failed: 0 });
    expect(report.services.map((service) => service.service)).toEqual(['base', 'api', 'worker', 'web']);
    const base = environment.services[0]!;
    const apiRequest = engine.calls.find((call) => call.service === 'api')!;
    expect(apiRequest.buildArgs).toEqual({ BASE: base.image });
    // The ownership tag first (an engine pushing one name after another never leaves the content tag
    // without it), then the content tag and the environment tag.
    const apiContent = environment.services.find((service) => service.service === 'api')!.tag;
    expect(apiRequest.images).toEqual([
      `registry.example.test/shop/api:${uuid}.${apiContent}`,
      `registry.example.test/shop/api:${apiContent}`,
      `registry.example.test/shop/api:${uuid}`,
    ]);
    expect(apiContent).toMatch(/^[0-9a-f]{64}$/);
    expect(apiRequest.cache.export?.ref).toBe(`registry.example.test/shop/cache/api/${uuid}:cache`);
    expect(apiRequest.cache.imports.map((endpoint) => endpoint.buildUuid)).toEqual([uuid, 'main']);
    expect(apiRequest.buildUuid).toBe(uuid);

    expect(events.length).toBeGreaterThan(0);
    expect(events.every((event) => event.buildUuid === uuid)).toBe(true);
    const engineEvents = events.filter((event) => event.event.type === 'engine');
    expect(new Set(engineEvents.map((event) => event.service))).toEqual(
      new Set(['base', 'api', 'worker', 'web']),
    );
    const finished = events.filter((event) => event.event.type === 'finished');
    expect(finished.map((event) => event.service)).toEqual(['base', 'api', 'worker', 'web']);
    expect(report.services[0]).toMatchObject({
      status: 'built',
      buildUuid: uuid,
      cacheHitRatio: 0.25,
      digest: expect.stringMatching(/^sha256:/),
    });
  });

  it('never runs more builds at once than the concurrency limit', async () => {
    const names = ['s1', 's2', 's3', 's4', 's5', 's6'];
    const { plan: environment } = await plan(
      Object.fromEntries(names.map((name) => [name, { context: name }])),
    );
    const engine = new ScriptedEngine();
    const done = buildEnvironment(environment, { engine, concurrency: 2, supersession: new Supersession() });
    for (let finished = 0; finished < names.length; finished++) {
      await settle();
      expect(engine.inFlight).toBeLessThanOrEqual(2);
      const [next] = engine.building();
      engine.complete(uuid, next!.split('/')[1]!);
    }
    const report = await done;
    expect(engine.peak).toBe(2);
    expect(report.totals.built).toBe(6);
  });

  it('fails fast: the first failure cancels builds in flight and what has not started', async () => {
    const { plan: environment } = await plan({
      a: { context: 'a' },
      b: { context: 'b' },
      c: { context: 'c', dependsOn: ['a'] },
      d: { context: 'd' },
    });
    const engine = new ScriptedEngine();
    const done = buildEnvironment(environment, { engine, concurrency: 2, supersession: new Supersession() });
    await Promise.all([engine.started(uuid, 'a'), engine.started(uuid, 'b')]);
    engine.fail(uuid, 'a', failure('make: *** [all] Error 2'));
    const report = await done;

    expect(report.ok).toBe(false);
    const byName = Object.fromEntries(report.services.map((service) => [service.service, service]));
    expect(byName.a).toMatchObject({
      status: 'failed',
      reason: 'step RUN make: make: *** [all] Error 2',
      failure: { cause: 'build', kind: 'user', code: 'STEP_FAILED' },
    });
    expect(byName.b).toMatchObject({
      status: 'failed',
      reason: 'cancelled: a failed',
      failure: { cause: 'cancelled' },
    });
    expect(byName.c).toMatchObject({ status: 'failed', failure: { cause: 'cancelled' } });
    expect(byName.d).toMatchObject({ status: 'failed', reason: 'not started: a failed' });
    expect(engine.order).toEqual(['a', 'b']);
    expect(engine.inFlight).toBe(0);
  });

  it("reports a failed build's engine runs, retries included, and 0 for builds that never ran", async () => {
    const { plan: environment } = await plan({ a: { context: 'a' }, b: { context: 'b', dependsOn: ['a'] } });
    const engine = new ScriptedEngine();
    const done = buildEnvironment(environment, { engine, supersession: new Supersession() });
    await engine.started(uuid, 'a');
    const unreachable = new EngineTestFailure('daemon unreachable', {
      code: 'DAEMON_UNREACHABLE',
      kind: 'transient',
      attempts: 3,
    });
    engine.fail(uuid, 'a', unreachable);
    const report = await done;
    const byName = Object.fromEntries(report.services.map((service) => [service.service, service]));
    expect(byName.a).toMatchObject({ status: 'failed', attempts: 3 });
    expect(byName.b).toMatchObject({ status: 'failed', attempts: 0 });
  });

  it('keeps going: independent builds continue, dependents of a failure fail with the reason', async () => {
    const { plan: environment } = await plan({
      a: { context: 'a' },
      b: { context: 'b' },
      c: { context: 'c', dependsOn: ['a'] },
      d: { context: 'd', dependsOn: ['c'] },
    });
    const engine = new ScriptedEngine();
    const done = buildEnvironment(environment, {
      engine,
      concurrency: 2,
      keepGoing: true,
      supersession: new Supersession(),
    });
    await Promise.all([engine.started(uuid, 'a'), engine.started(uuid, 'b')]);
    engine.fail(uuid, 'a', failure('boom'));
    await settle();
    engine.complete(uuid, 'b');
    const report = await done;

    const byName = Object.fromEntries(report.services.map((service) => [service.service, service]));
    expect(byName.b?.status).toBe('built');
    expect(byName.c).toMatchObject({
      status: 'failed',
      reason: 'dependency a failed',
      failure: { cause: 'dependency' },
    });
    expect(byName.d).toMatchObject({ status: 'failed', reason: 'dependency c failed' });
    expect(report.totals).toEqual({ built: 1, skipped: 0, superseded: 0, failed: 3 });
    expect(engine.order).toEqual(['a', 'b']);
  });

  it('a newer run for the same environment supersedes an in-flight older one, and waits for it to stop', async () => {
    const { plan: environment } = await plan({ a: { context: 'a' }, b: { context: 'b' } });
    const supersession = new Supersession();
    const engine = new ScriptedEngine();
    const older = buildEnvironment(environment, { engine, concurrency: 1, supersession });
    await engine.started(uuid, 'a');
    const olderRequest = engine.calls[0]!;

    const newer = buildEnvironment(environment, { engine, concurrency: 2, supersession });
    // The older build of `a` is aborted; the newer one only starts once it has stopped.
    await until(() => engine.calls.length === 3);
    expect(olderRequest.signal?.aborted).toBe(true);
    expect(engine.inFlight).toBe(2);
    expect(engine.calls.slice(1).every((call) => call.signal?.aborted === false)).toBe(true);
    engine.complete(uuid, 'a');
    engine.complete(uuid, 'b');
    const [olderReport, newerReport] = await Promise.all([older, newer]);

    expect(olderReport.services.map((service) => service.status)).toEqual(['superseded', 'superseded']);
    expect(olderReport.services[0]!.reason).toMatch(/^superseded by a newer run/);
    expect(olderReport.ok).toBe(true);
    expect(newerReport.totals.built).toBe(2);
    // The older run never started `b`: a newer run had claimed its ref first.
    expect(engine.order.filter((service) => service === 'b')).toHaveLength(1);
  });

  it('runs of different environments never supersede each other', async () => {
    const { plan: first } = await plan({ a: { context: 'a' } });
    const { plan: second } = await plan({ a: { context: 'a' } }, 'other-env-1');
    const supersession = new Supersession();
    const engine = new ScriptedEngine();
    const one = buildEnvironment(first, { engine, supersession });
    const two = buildEnvironment(second, { engine, supersession });
    await Promise.all([engine.started(uuid, 'a'), engine.started('other-env-1', 'a')]);
    engine.complete(uuid, 'a');
    engine.complete('other-env-1', 'a');
    expect((await one).totals.built).toBe(1);
    expect((await two).totals.built).toBe(1);
  });

  it('refuses to start when a secret variable is missing, naming it but no value', async () => {
    const { plan: environment } = await plan({
      a: { context: 'a', secrets: [{ id: 'npm', env: 'DEPLOY_TEST_NPM_TOKEN' }] },
    });
    const engine = new ScriptedEngine();
    const error = await buildEnvironment(environment, {
      engine,
      env: {},
      supersession: new Supersession(),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SpecError);
    expect((error as SpecError).path).toBe('services.a.secrets[0].env');
    expect(engine.calls).toHaveLength(0);

    const started = buildEnvironment(environment, {
      engine,
      env: { DEPLOY_TEST_NPM_TOKEN: 'x' },
      supersession: new Supersession(),
    });
    await engine.started(uuid, 'a');
    expect(engine.calls[0]!.secrets).toEqual([{ id: 'npm', env: 'DEPLOY_TEST_NPM_TOKEN' }]);
    engine.complete(uuid, 'a');
    expect((await started).ok).toBe(true);
  });

  it('an aborted run cancels its builds', async () => {
    const { plan: environment } = await plan({ a: { context: 'a' }, b: { context: 'b', dependsOn: ['a'] } });
    const engine = new ScriptedEngine();
    const controller = new AbortController();
    const done = buildEnvironment(environment, {
      engine,
      signal: controller.signal,
      supersession: new Supersession(),
    });
    await engine.started(uuid, 'a');
    controller.abort();
    const report = await done;
    expect(report.services.map((service) => [service.status, service.failure?.cause])).toEqual([
      ['failed', 'cancelled'],
      ['failed', 'cancelled'],
    ]);
  });
});
