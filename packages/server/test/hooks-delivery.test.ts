import { createHmac } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { claimJob, finishJob, requestTeardown, type State } from '@deployer/state';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  createServerMetrics,
  type HookPayload,
  observeHooks,
  parseServerConfig,
  readHookCaFiles,
  readHookSecrets,
  type ServerMetrics,
} from '../src/index.js';
import type { JobOutcome } from '../src/worker/job-outcome.js';
import { example } from './helpers/deliveries.js';
import { makeCertificates, startReceiver } from './support/hook-receiver.js';
import { apiToken, deliver, openPullRequest, repository, useServerState } from './support/http-app.js';

const hookSecret = 'the hook secret the receiver shares';
const digest = `sha256:${'d'.repeat(64)}`;
const report = {
  buildUuid: 'x',
  ok: true,
  services: [
    {
      service: 'web',
      status: 'built',
      image: 'registry.test/web:c0ffee',
      digest,
      reason: 'reason text',
      failure: { logTail: ['log: token=hunter2'] },
    },
    { service: 'api', status: 'skipped', image: 'registry.test/api:beef', digest: null },
  ],
};

const server = useServerState();
let dir = '';
let certificates: Awaited<ReturnType<typeof makeCertificates>>;
let receiver: Awaited<ReturnType<typeof startReceiver>>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'deployer-hooks-'));
  certificates = await makeCertificates(dir);
  receiver = await startReceiver({ ...certificates, secret: hookSecret });
});
afterAll(async () => {
  await receiver?.close();
  await rm(dir, { recursive: true, force: true });
});
afterEach(() => {
  receiver.received.length = 0;
});

/** The server's hooks as `deployer serve` builds them: the config, the secret from the environment, the CA file. */
async function hooksFor(hook: Record<string, unknown>, metrics: ServerMetrics, withCa = true) {
  const config = parseServerConfig(
    {
      repositories: [repository, 'acme/other'].map((name, index) => ({
        name,
        spec: 'deploy/env.yaml',
        registry: { host: 'registry.test', repository: `previews/r${index}` },
      })),
      hooks: [
        {
          url: receiver.url,
          secretEnv: 'HOOK_SECRET',
          attempts: 3,
          timeout: '2s',
          ...(withCa && { caFile: certificates.caFile }),
          ...hook,
        },
      ],
    },
    'server.yaml',
  );
  return observeHooks({
    hooks: config.hooks,
    secrets: readHookSecrets(config, { HOOK_SECRET: hookSecret }),
    cas: await readHookCaFiles(config),
    state: server.state(),
    logger: pino({ level: 'silent' }),
    metrics,
    backoff: { baseDelayMs: 20, maxDelayMs: 100, maxRetryAfterMs: 1000 },
  });
}

/** Claims the next job and records its end, as the worker does; the outcome the worker would report. */
async function finishNext(state: State, status: 'succeeded' | 'failed', jobReport: unknown = report) {
  const job = await claimJob(state, { replica: 'replica-a', claimSeconds: 30 });
  if (job === undefined) throw new Error('no job queued');
  await finishJob(state, job, {
    status,
    report: jobReport,
    ...(status === 'failed' && { error: 'web: RUN make (token=hunter2)' }),
  });
  const outcome = {
    status,
    report: jobReport,
    durationMs: 5,
    ...(status === 'failed' && { error: 'web: RUN make' }),
  };
  return { job, outcome: outcome as JobOutcome };
}

async function apiDeliveries(limit?: number) {
  const { app } = await server.app();
  const response = await app.inject({
    method: 'GET',
    url: `/api/hooks/deliveries${limit === undefined ? '' : `?limit=${limit}`}`,
    headers: { authorization: `Bearer ${apiToken}` },
  });
  expect(response.statusCode).toBe(200);
  return response.json().deliveries as Array<Record<string, unknown>>;
}

const bodyOf = (index: number) => JSON.parse(receiver.received[index]!.body) as HookPayload;

describe('outgoing hooks to a real HTTPS receiver', () => {
  it('signs and delivers built, failed and torn_down (a close and a TTL sweep) once each', async () => {
    const metrics = createServerMetrics({ queueDepth: async () => 0 });
    const hooks = await hooksFor({}, metrics);
    const state = server.state();
    const { app } = await server.app();

    const built = await openPullRequest(app, 'Hooks: built');
    const first = await finishNext(state, 'succeeded');
    hooks.finished(first.job, first.outcome);
    await hooks.idle();
    expect(receiver.received).toHaveLength(1);
    const delivery = receiver.received[0]!;
    expect(delivery.verified).toBe(true);
    // GitHub's scheme, byte for byte: sha256=<hex HMAC-SHA256 of the raw body>.
    expect(delivery.headers['x-deployer-signature-256']).toBe(
      `sha256=${createHmac('sha256', hookSecret).update(delivery.body).digest('hex')}`,
    );
    const body = bodyOf(0);
    expect(delivery.headers).toMatchObject({
      'content-type': 'application/json',
      'user-agent': 'deployer-hooks',
      'x-deployer-event': 'built',
      'x-deployer-delivery': body.deliveryId,
    });
    expect(body.deliveryId).toMatch(/^[0-9a-f-]{36}$/);
    expect(body).toEqual({
      event: 'built',
      deliveryId: body.deliveryId,
      repository,
      pullRequest: first.job.environment.pullRequestNumber,
      branch: 'changes',
      sha: first.job.sha,
      buildUuid: built,
      services: [
        { name: 'web', status: 'built', image: 'registry.test/web:c0ffee', digest },
        { name: 'api', status: 'skipped', image: 'registry.test/api:beef', digest: null },
      ],
    });

    await openPullRequest(app, 'Hooks: failed');
    const second = await finishNext(state, 'failed');
    hooks.finished(second.job, second.outcome);
    await hooks.idle();
    expect(bodyOf(1)).toMatchObject({ event: 'failed', buildUuid: second.job.environment.buildUuid });
    // Failure text, reasons and log tails never leave the server.
    expect(receiver.received[1]!.body).not.toMatch(/hunter2|reason text|RUN make/);

    // Closing the first pull request queues its teardown; a TTL sweep queues the second's.
    const closed = example('pull_request', 'closed');
    closed.number = first.job.environment.pullRequestNumber;
    closed.pull_request.number = closed.number;
    closed.pull_request.merged = false;
    expect((await deliver(app, 'pull_request', closed)).statusCode).toBe(202);
    const down = { buildUuid: built, dryRun: false, actions: [] };
    const close = await finishNext(state, 'succeeded', down);
    expect(close.job.kind).toBe('down');
    hooks.finished(close.job, close.outcome);
    expect(await requestTeardown(state, second.job.environment.buildUuid, repository)).not.toHaveProperty(
      'error',
    );
    const sweep = await finishNext(state, 'succeeded', down);
    expect(sweep.job.deliveryId).toBeNull();
    hooks.finished(sweep.job, sweep.outcome);
    await hooks.idle();
    expect(receiver.received.map((entry) => entry.verified)).toEqual([true, true, true, true]);
    const tornDown = [bodyOf(2), bodyOf(3)];
    expect(tornDown.map((entry) => [entry.event, entry.buildUuid, entry.services])).toEqual([
      ['torn_down', built, []],
      ['torn_down', second.job.environment.buildUuid, []],
    ]);
    expect(receiver.received[3]!.headers['x-deployer-event']).toBe('torn_down');

    const recorded = await apiDeliveries(4);
    expect(recorded.map((row) => [row.event, row.outcome, row.attempts, row.statusCode])).toEqual([
      ['torn_down', 'delivered', 1, 204],
      ['torn_down', 'delivered', 1, 204],
      ['failed', 'delivered', 1, 204],
      ['built', 'delivered', 1, 204],
    ]);
    expect(recorded[3]).toMatchObject({
      id: body.deliveryId,
      hookUrl: receiver.url,
      buildUuid: built,
      repository,
    });
    const text = (await metrics.render()).body;
    expect(text).toContain('deployer_hook_deliveries_total{event="built",outcome="delivered"} 1');
    expect(text).toContain('deployer_hook_deliveries_total{event="torn_down",outcome="delivered"} 2');
    expect(text).toContain('deployer_hook_delivery_attempts_total{event="failed"} 1');
  });

  it('retries a receiver that answers 503 (Retry-After) and drops the connection, until it recovers', async () => {
    const metrics = createServerMetrics({ queueDepth: async () => 0 });
    const hooks = await hooksFor({ attempts: 4 }, metrics);
    const { app } = await server.app();
    receiver.plan(
      { status: 503, headers: { 'retry-after': '0' } },
      { drop: true },
      { status: 429, headers: { 'retry-after': '1' } },
    );
    await openPullRequest(app, 'Hooks: flaky receiver');
    const { job, outcome } = await finishNext(server.state(), 'succeeded');
    hooks.finished(job, outcome);
    await hooks.idle();
    expect(receiver.received.map((entry) => entry.answered)).toEqual([503, 'dropped', 429, 204]);
    // One delivery: the same id and signed body on every attempt.
    expect(new Set(receiver.received.map((entry) => entry.headers['x-deployer-delivery'])).size).toBe(1);
    expect(new Set(receiver.received.map((entry) => entry.body)).size).toBe(1);
    expect(receiver.received.every((entry) => entry.verified)).toBe(true);
    const [row] = await apiDeliveries(1);
    expect(row).toMatchObject({ outcome: 'delivered', attempts: 4, statusCode: 204, lastError: null });
    const text = (await metrics.render()).body;
    expect(text).toContain('deployer_hook_deliveries_total{event="built",outcome="delivered"} 1');
    expect(text).toContain('deployer_hook_delivery_attempts_total{event="built"} 4');
  });

  it('records a receiver that never recovers as failed, without delaying or failing the build', async () => {
    const metrics = createServerMetrics({ queueDepth: async () => 0 });
    const hooks = await hooksFor({}, metrics);
    const { app } = await server.app();
    receiver.plan(...Array.from({ length: 3 }, () => ({ status: 502, delayMs: 300 })));
    const buildUuid = await openPullRequest(app, 'Hooks: receiver down');
    const { job, outcome } = await finishNext(server.state(), 'succeeded');
    const started = Date.now();
    hooks.finished(job, outcome);
    // The job's end is told and the worker moves on at once; the deliveries run on their own.
    expect(Date.now() - started).toBeLessThan(100);
    await hooks.idle();
    expect(receiver.received.map((entry) => entry.answered)).toEqual([502, 502, 502]);
    const [row] = await apiDeliveries(1);
    expect(row).toMatchObject({
      buildUuid,
      outcome: 'failed',
      attempts: 3,
      statusCode: 502,
      lastError: 'the receiver answered HTTP 502',
    });
    expect(row!.finishedAt).not.toBeNull();
    const environment = await (await server.app()).app.inject({
      method: 'GET',
      url: `/api/environments/${buildUuid}`,
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(environment.json().status).toBe('built');
    expect((await metrics.render()).body).toContain(
      'deployer_hook_deliveries_total{event="built",outcome="failed"} 1',
    );
  });

  it('does not retry a 4xx, and fails over TLS to a receiver whose CA it was not given', async () => {
    const metrics = createServerMetrics({ queueDepth: async () => 0 });
    const { app } = await server.app();
    receiver.plan({ status: 401 });
    await openPullRequest(app, 'Hooks: refused');
    const refused = await finishNext(server.state(), 'succeeded');
    const hooks = await hooksFor({}, metrics);
    hooks.finished(refused.job, refused.outcome);
    await hooks.idle();
    expect(receiver.received.map((entry) => entry.answered)).toEqual([401]);
    expect((await apiDeliveries(1))[0]).toMatchObject({ outcome: 'failed', attempts: 1, statusCode: 401 });

    await openPullRequest(app, 'Hooks: untrusted');
    const untrusted = await finishNext(server.state(), 'succeeded');
    const withoutCa = await hooksFor({ attempts: 2 }, metrics, false);
    withoutCa.finished(untrusted.job, untrusted.outcome);
    await withoutCa.idle();
    expect(receiver.received).toHaveLength(1); // the TLS handshake never got to a request
    const [row] = await apiDeliveries(1);
    expect(row).toMatchObject({ outcome: 'failed', attempts: 2, statusCode: null });
    expect(row!.lastError).toMatch(/^the request failed: [A-Z_]+$/);
  });

  it('lets one replica deliver a build its claim-taken-over twin reports too; filters by event and repository', async () => {
    const metrics = createServerMetrics({ queueDepth: async () => 0 });
    const replicaA = await hooksFor({}, metrics);
    const replicaB = await hooksFor({}, metrics);
    const { app } = await server.app();
    await openPullRequest(app, 'Hooks: two replicas');
    const { job, outcome } = await finishNext(server.state(), 'succeeded');
    replicaA.finished(job, outcome);
    replicaB.finished(job, outcome);
    // A replica that saw its run aborted (its claim lost) while the state records success tells nothing.
    replicaB.finished(job, { ...outcome, status: 'failed' });
    await Promise.all([replicaA.idle(), replicaB.idle()]);
    expect(receiver.received).toHaveLength(1);

    const onlyTeardowns = await hooksFor({ events: ['torn_down'] }, metrics);
    await openPullRequest(app, 'Hooks: filtered');
    const other = await finishNext(server.state(), 'succeeded');
    onlyTeardowns.finished(other.job, other.outcome);
    await onlyTeardowns.idle();
    expect(receiver.received).toHaveLength(1);

    const otherRepository = await hooksFor({ repositories: ['acme/other'] }, metrics);
    await openPullRequest(app, 'Hooks: another repository');
    const elsewhere = await finishNext(server.state(), 'succeeded');
    otherRepository.finished(elsewhere.job, elsewhere.outcome);
    await otherRepository.idle();
    expect(receiver.received).toHaveLength(1);
    const forThisOne = await hooksFor({ repositories: [repository.toUpperCase()] }, metrics);
    forThisOne.finished(elsewhere.job, elsewhere.outcome);
    await forThisOne.idle();
    expect(receiver.received).toHaveLength(2);
  });
});

describe('GET /api/hooks/deliveries', () => {
  it('is behind the API token and checks its limit', async () => {
    const { app } = await server.app();
    expect((await app.inject({ method: 'GET', url: '/api/hooks/deliveries' })).statusCode).toBe(401);
    const bad = await app.inject({
      method: 'GET',
      url: '/api/hooks/deliveries?limit=0',
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({
      error: 'INVALID_QUERY',
      message: 'limit: must be a whole number from 1 to 500',
    });
  });
});
