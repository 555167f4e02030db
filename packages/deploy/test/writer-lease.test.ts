import { startLocalRegistry } from '@deployer/local-registry';
import { createRegistryPort } from '@deployer/registry-cache';
import { describe, expect, it } from 'vitest';
import {
  buildEnvironment,
  type DeployEvent,
  type EnvironmentPlan,
  loadEnvironment,
  planEnvironment,
  Supersession,
} from '../src/index.js';
import { validUuid } from './support/build-uuids.js';
import { createFixture, serviceFiles } from './support/fixture.js';
import { useRegistryEnvironments } from './support/registry-environments.js';
import { ScriptedEngine } from './support/scripted-engine.js';

// Two `buildEnvironment` calls with their own Supersession and engine are two processes: they only
// meet through the lease in the (real) registry.
const shared = useRegistryEnvironments('lease');
const uuid = validUuid('pr-42');
const pollMs = 50;

async function plan(): Promise<EnvironmentPlan> {
  return planEnvironment(await shared.environment(), { buildUuid: uuid });
}

/** Runs one "process": its own engine, its own Supersession, its events. */
function start(
  environment: EnvironmentPlan,
  runId: string,
  lease: { handoverMs?: number } = {},
  concurrency?: number,
) {
  const engine = new ScriptedEngine();
  const events: DeployEvent[] = [];
  const report = buildEnvironment(environment, {
    engine,
    ...(concurrency !== undefined && { concurrency }),
    registry: shared.port(),
    supersession: new Supersession(),
    lease: { runId, host: `${runId}-host`, pollMs, ...lease },
    onEvent: (event) => events.push(event),
  });
  return { engine, events, report };
}

const leaseRefs = (environment: EnvironmentPlan) => environment.services.map((s) => s.cache.lease!.ref);

describe('one writer per ref across processes', () => {
  it('a newer run aborts an in-flight older one before writing, and leaves no lease behind', async () => {
    const environment = await plan();
    const older = start(environment, 'run-old');
    await Promise.all([older.engine.started(uuid, 'web'), older.engine.started(uuid, 'api')]);
    for (const ref of leaseRefs(environment)) {
      expect((await shared.port().leaseHolder(ref))?.runId).toBe('run-old');
    }

    const newer = start(environment, 'run-new', { handoverMs: 1_000 });
    await Promise.all([newer.engine.started(uuid, 'web'), newer.engine.started(uuid, 'api')]);
    // By the time the newer run writes, the older one has stopped: never two writers at once.
    expect(older.engine.calls.every((call) => call.signal?.aborted)).toBe(true);
    expect(older.engine.inFlight).toBe(0);
    const olderReport = await older.report;
    expect(olderReport.services.map((service) => [service.status, service.reason])).toEqual([
      ['superseded', 'superseded by run run-new on run-new-host'],
      ['superseded', 'superseded by run run-new on run-new-host'],
    ]);
    const tookOver = newer.events.flatMap(({ event }) => (event.type === 'took-over' ? [event] : []));
    expect(tookOver).toEqual([
      { type: 'took-over', runId: 'run-old', host: 'run-old-host', waitMs: 1_000 },
      { type: 'took-over', runId: 'run-old', host: 'run-old-host', waitMs: 1_000 },
    ]);

    newer.engine.complete(uuid, 'web');
    newer.engine.complete(uuid, 'api');
    const newerReport = await newer.report;
    expect(newerReport.runId).toBe('run-new');
    expect(newerReport.totals.built).toBe(2);
    for (const service of environment.services) {
      expect(await shared.port().leaseHolder(service.cache.lease!.ref)).toBeNull();
      expect(await shared.port().listTags(service.cache.lease!.repository)).not.toContain('lease');
    }
    expect(newer.events.some(({ event }) => event.type === 'warning')).toBe(false);
  });

  it('an older run that lost one service never takes a later one from the newer run', async () => {
    const environment = await plan();
    // One build at a time: `api` waits in the older run while the newer run takes both leases.
    const older = start(environment, 'run-old', {}, 1);
    await older.engine.started(uuid, 'web');
    const newer = start(environment, 'run-new', { handoverMs: 1_000 });
    await Promise.all([newer.engine.started(uuid, 'web'), newer.engine.started(uuid, 'api')]);

    const olderReport = await older.report;
    expect(olderReport.services.map((service) => [service.service, service.status, service.reason])).toEqual([
      ['web', 'superseded', 'superseded by run run-new on run-new-host'],
      ['api', 'superseded', 'superseded by run run-new on run-new-host'],
    ]);
    // The older run never built `api` nor claimed its lease: the newer one still builds it.
    expect(older.engine.order).toEqual(['web']);
    expect((await shared.port().leaseHolder(environment.services[1]!.cache.lease!.ref))?.runId).toBe(
      'run-new',
    );
    expect(newer.engine.building()).toEqual([`${uuid}/api`, `${uuid}/web`]);
    newer.engine.complete(uuid, 'web');
    newer.engine.complete(uuid, 'api');
    expect((await newer.report).totals.built).toBe(2);
  });

  it('takes over a stale lease (a dead run) without waiting', async () => {
    const environment = await plan();
    const dead = { runId: 'run-dead', startedAt: new Date(Date.now() - 3 * 3_600_000), host: 'gone' };
    for (const ref of leaseRefs(environment)) await shared.port().claimLease(ref, dead);

    // A handover longer than the test's timeout: only not waiting lets the builds start.
    const run = start(environment, 'run-fresh', { handoverMs: 600_000 });
    await Promise.all([run.engine.started(uuid, 'web'), run.engine.started(uuid, 'api')]);
    expect(run.events.flatMap(({ event }) => (event.type === 'took-over' ? [event.waitMs] : []))).toEqual([
      0, 0,
    ]);
    run.engine.complete(uuid, 'web');
    run.engine.complete(uuid, 'api');
    expect((await run.report).totals.built).toBe(2);
    for (const ref of leaseRefs(environment)) expect(await shared.port().leaseHolder(ref)).toBeNull();
  });

  it('builds, with a warning, when the lease cannot be claimed (registry stopped)', async () => {
    const registry = await startLocalRegistry();
    const fixture = await createFixture(serviceFiles(['web']));
    try {
      const file = await fixture.writeSpec({
        registry: { host: registry.host, repository: 'stopped', insecure: true },
        services: { web: { context: 'web' } },
      });
      const environment = await planEnvironment(await loadEnvironment(file), { buildUuid: uuid });
      await registry.stop();

      const engine = new ScriptedEngine();
      const events: DeployEvent[] = [];
      const done = buildEnvironment(environment, {
        engine,
        registry: createRegistryPort({
          clientOptions: { credentials: 'anonymous', retry: { retries: 1, baseDelayMs: 10 } },
        }),
        supersession: new Supersession(),
        lease: { pollMs },
        onEvent: (event) => events.push(event),
      });
      await engine.started(uuid, 'web');
      engine.complete(uuid, 'web');
      const report = await done;
      expect(report.services[0]!.status).toBe('built');
      const warnings = events.flatMap(({ event }) => (event.type === 'warning' ? [event.message] : []));
      expect(warnings[0]).toContain(`could not claim the lease ${environment.services[0]!.cache.lease!.ref}`);
      // The run's cache export cannot be promoted nor removed either (cache gc removes it later).
      expect(warnings.slice(1)).toEqual([
        expect.stringMatching(/^could not promote \S+:cache--run-\S+ to \S+:cache: /),
        expect.stringMatching(/^could not remove the run tag \S+:cache--run-\S+ .*cache gc will$/),
      ]);
    } finally {
      await registry.stop();
      await fixture.remove();
    }
  });
});
