import { PassThrough } from 'node:stream';
import type { DeployEvent, ServiceResult } from '@deployer/deploy';
import { describe, expect, it } from 'vitest';
import { liveProgress, plainProgress } from '../src/output/progress.js';
import { formatReport } from '../src/output/report.js';
import { validUuid } from './support/build-uuids.js';

function capture() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  return { stream, text: () => chunks.join('') };
}

const result = (service: string, status: ServiceResult['status'], extra: Partial<ServiceResult> = {}) =>
  ({
    service,
    buildUuid: 'wandering-credit-924200',
    status,
    image: `r/shop/${service}:abc`,
    images: [],
    digest: null,
    cacheHitRatio: 0.5,
    steps: { total: 4, cached: 2, shared: 0 },
    durationMs: 1500,
    healed: false,
    corruptCacheRefs: [],
    missingCacheRefs: [],
    attempts: 1,
    ...extra,
  }) as ServiceResult;

const events: DeployEvent[] = [
  { buildUuid: 'wandering-credit-924200', service: 'web', event: { type: 'started' } },
  {
    buildUuid: 'wandering-credit-924200',
    service: 'web',
    event: {
      type: 'engine',
      event: { type: 'step-started', stepId: 's1', name: 'RUN make', index: 2, total: 4 },
    },
  },
  {
    buildUuid: 'wandering-credit-924200',
    service: 'web',
    event: {
      type: 'engine',
      event: { type: 'step-completed', stepId: 's1', name: 'RUN make', cached: true, durationMs: 3 },
    },
  },
  {
    buildUuid: 'wandering-credit-924200',
    service: 'web',
    event: { type: 'finished', result: result('web', 'built') },
  },
  {
    buildUuid: 'wandering-credit-924200',
    service: 'api',
    event: { type: 'finished', result: result('api', 'failed', { reason: 'RUN exited 3' }) },
  },
];

describe('plain progress', () => {
  it('prints one line per event, each naming the build uuid and the service', () => {
    const out = capture();
    const view = plainProgress(out.stream);
    for (const event of events) view.onEvent(event);
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toEqual([
      '[wandering-credit-924200] web: building',
      '[wandering-credit-924200] web: CACHED RUN make',
      '[wandering-credit-924200] web: done 1.5s, 2/4 steps cached',
      '[wandering-credit-924200] api: failed: RUN exited 3',
    ]);
  });
});

describe('a build that took steps from a concurrent identical build', () => {
  it('says how many were shared beside how many were cached', () => {
    const out = capture();
    const shared = result('web', 'built', { steps: { total: 4, cached: 1, shared: 3 }, cacheHitRatio: 1 });
    plainProgress(out.stream).onEvent({
      buildUuid: 'wandering-credit-924200',
      service: 'web',
      event: { type: 'finished', result: shared },
    });
    expect(out.text()).toBe('[wandering-credit-924200] web: done 1.5s, 1/4 steps cached, 3 shared\n');
  });
});

describe('a run taken over across processes', () => {
  const uuid = 'wandering-credit-924200';
  const superseded = result('web', 'superseded', { reason: 'superseded by run 9f1c on ci-runner-7' });

  it('prints the takeover and the superseded reason naming the newer run', () => {
    const out = capture();
    const view = plainProgress(out.stream);
    view.onEvent({
      buildUuid: uuid,
      service: 'api',
      event: { type: 'took-over', runId: '41ab', host: 'ci-runner-3', waitMs: 4000 },
    });
    view.onEvent({
      buildUuid: uuid,
      service: 'db',
      event: { type: 'took-over', runId: '77cd', host: null, waitMs: 0 },
    });
    view.onEvent({ buildUuid: uuid, service: 'web', event: { type: 'finished', result: superseded } });
    expect(out.text().trimEnd().split('\n')).toEqual([
      `[${uuid}] api: taking over from run 41ab on ci-runner-3: waiting 4.0s for it to stop`,
      `[${uuid}] db: taking over the stale lease of run 77cd`,
      `[${uuid}] web: superseded: superseded by run 9f1c on ci-runner-7`,
    ]);
  });

  it('shows both on the live line', () => {
    const out = capture();
    const view = liveProgress(out.stream, ['web'], false);
    view.onEvent({
      buildUuid: uuid,
      service: 'web',
      event: { type: 'took-over', runId: '41ab', host: 'ci-runner-3', waitMs: 4000 },
    });
    expect(out.text()).toContain(
      'web  taking over from run 41ab on ci-runner-3: waiting 4.0s for it to stop',
    );
    view.onEvent({ buildUuid: uuid, service: 'web', event: { type: 'finished', result: superseded } });
    expect(out.text().split('\u001b[1A').at(-1)).toBe(
      '\u001b[2Kweb  superseded: superseded by run 9f1c on ci-runner-7\n',
    );
  });
});

describe('live progress', () => {
  it('keeps one line per service and redraws them in place', () => {
    const out = capture();
    const view = liveProgress(out.stream, ['web', 'api'], false);
    view.onEvent(events[1]!);
    expect(out.text()).toContain('web  building step 2 of 4 RUN make');
    expect(out.text()).toContain('api  waiting');
    for (const event of events.slice(2)) view.onEvent(event);
    const lastFrame = out.text().split('\u001b[2A').at(-1)!;
    expect(lastFrame).toBe('\u001b[2Kweb  done 1.5s, 2/4 steps cached\n\u001b[2Kapi  failed: RUN exited 3\n');
  });

  it('colours states only when asked (NO_COLOR turns it off)', () => {
    const coloured = capture();
    liveProgress(coloured.stream, ['web'], true).onEvent(events[3]!);
    expect(coloured.text()).toContain('\u001b[32m');
    const plain = capture();
    liveProgress(plain.stream, ['web'], false).onEvent(events[3]!);
    expect(plain.text()).not.toContain('\u001b[32m');
  });
});

describe('a new environment whose own cache was seeded from its fallback', () => {
  const uuid = 'wandering-credit-924200';
  const from = 'r/shop/cache/web/main:cache';
  const mounted = {
    status: 'mounted' as const,
    reason: `mounted 5 blobs from ${from}; no blob downloaded or uploaded`,
    from,
    blobs: 5,
    bytes: 67_108_864,
  };

  it('prints the seeding as it happens, in the finished line and in the report', () => {
    const out = capture();
    const view = plainProgress(out.stream);
    view.onEvent({ buildUuid: uuid, service: 'web', event: { type: 'seeded', seeding: mounted } });
    const built = result('web', 'built', { seeding: mounted });
    view.onEvent({ buildUuid: uuid, service: 'web', event: { type: 'finished', result: built } });
    expect(out.text().trimEnd().split('\n')).toEqual([
      `[${uuid}] web: cache seeded from ${from} (5 blobs, 64.0 MiB linked in the registry, none moved)`,
      `[${uuid}] web: done 1.5s, 2/4 steps cached, cache seeded (64.0 MiB mounted)`,
    ]);
    const warm = result('api', 'built', {
      seeding: { status: 'none', reason: 'the own cache ref exists', from: null, blobs: 0, bytes: 0 },
    });
    const refused = result('db', 'built', {
      seeding: { status: 'none', reason: 'the registry did not mount', from, blobs: 5, bytes: 1 },
    });
    const report = formatReport({
      buildUuid: uuid,
      runId: 'run-1',
      fallbacks: ['main'],
      importOrder: [
        { buildUuid: validUuid(uuid), source: 'own', why: 'its own cache' },
        { buildUuid: validUuid('main'), source: 'fallback', why: '--fallback' },
      ],
      engine: 'buildkit',
      startedAt: new Date(0).toISOString(),
      durationMs: 2000,
      ok: true,
      totals: { built: 3, skipped: 0, superseded: 0, failed: 0 },
      services: [built, warm, refused],
    });
    expect(report).toContain(
      `web: cache seeded from ${from} (5 blobs, 64.0 MiB linked in the registry, none moved)`,
    );
    expect(report).toContain(`db: cache not seeded from ${from}: the registry did not mount`);
    expect(report).not.toContain('api: cache');
  });
});

describe('the daemon of a BuildKit pool', () => {
  const uuid = 'wandering-credit-924200';
  const a = 'tcp://10.0.0.1:1234';
  const b = 'tcp://10.0.0.2:1234';
  const poolEvents: DeployEvent[] = [
    {
      buildUuid: uuid,
      service: 'web',
      event: { type: 'engine', event: { type: 'daemon', daemon: a, tried: [] } },
    },
    {
      buildUuid: uuid,
      service: 'web',
      event: { type: 'engine', event: { type: 'daemon', daemon: b, tried: [a] } },
    },
    {
      buildUuid: uuid,
      service: 'web',
      event: { type: 'finished', result: result('web', 'built', { daemon: b, daemonsTried: [a, b] }) },
    },
  ];

  it('is named per service in plain lines, with the daemons that failed it', () => {
    const out = capture();
    const view = plainProgress(out.stream);
    for (const event of poolEvents) view.onEvent(event);
    expect(out.text()).toContain(`[${uuid}] web: on daemon ${a}\n`);
    expect(out.text()).toContain(`[${uuid}] web: on daemon ${b} (after ${a} failed)\n`);
    expect(out.text()).toContain(`2/4 steps cached on ${b}\n`);
  });

  it('stays on the live line of its service', () => {
    const out = capture();
    const view = liveProgress(out.stream, ['web', 'api'], false);
    view.onEvent(poolEvents[0] as DeployEvent);
    const lastWeb = out
      .text()
      .split('\n')
      .filter((line) => line.includes('web'))
      .at(-1);
    expect(lastWeb).toContain(`on ${a}`);
    expect(
      out
        .text()
        .split('\n')
        .filter((line) => line.includes('api'))
        .at(-1),
    ).not.toContain('on tcp');
  });
});

describe('a skipped service whose own cache followed the environment that built its image', () => {
  it('says so in the report, only when the own cache ref was written', () => {
    const from = 'r/shop/cache/web/pr-1:cache';
    const refreshed = result('web', 'skipped', {
      cacheRefresh: {
        status: 'refreshed',
        from,
        reason: 'the own cache ref does not exist: mounted 3 blobs',
      },
    });
    const current = result('api', 'skipped', {
      cacheRefresh: { status: 'none', from, reason: `the own cache ref is as new as ${from}` },
    });
    const report = formatReport({
      buildUuid: 'main',
      runId: 'run-1',
      fallbacks: [],
      importOrder: [{ buildUuid: validUuid('main'), source: 'own', why: 'its own cache' }],
      engine: 'buildkit',
      startedAt: new Date(0).toISOString(),
      durationMs: 2000,
      ok: true,
      totals: { built: 0, skipped: 2, superseded: 0, failed: 0 },
      services: [refreshed, current],
    });
    expect(report).toContain(
      `web: cache brought up to date from ${from} (the own cache ref does not exist: mounted 3 blobs)`,
    );
    expect(report).not.toContain('api: cache');
  });
});
