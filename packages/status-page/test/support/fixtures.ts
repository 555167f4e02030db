import type { BuildRecord, EnvironmentDetail } from '../../src/index.js';
import { testBuildUuid } from './build-uuids.js';

export const now = new Date('2026-11-26T12:00:00Z');
const minutesAgo = (minutes: number) => new Date(now.getTime() - minutes * 60_000);

/** A service as deploy's reportToJson writes it (a ServiceResult). */
export function serviceResult(service: string, overrides: Record<string, unknown> = {}) {
  return {
    service,
    buildUuid: 'wandering-credit-924200',
    status: 'built',
    image: `registry.test/acme/${service}:c0ffee`,
    images: [`registry.test/acme/${service}:c0ffee`],
    digest: 'sha256:aaaa',
    cacheHitRatio: 0.75,
    steps: { total: 9, cached: 6, shared: 1 },
    durationMs: 12_345,
    healed: false,
    corruptCacheRefs: [],
    missingCacheRefs: [],
    attempts: 1,
    ...overrides,
  };
}

/** A report as deploy's reportToJson writes it (a BuildReport), parsed. */
export function buildReport(services: ReturnType<typeof serviceResult>[]) {
  const failed = services.filter((service) => service.status === 'failed').length;
  return {
    buildUuid: 'wandering-credit-924200',
    runId: 'run-1',
    fallbacks: ['main'],
    importOrder: [
      { buildUuid: 'wandering-credit-924200', source: 'own', why: 'its own cache' },
      { buildUuid: 'main', source: 'fallback', why: 'default branch main' },
    ],
    engine: 'buildkit',
    startedAt: minutesAgo(5).toISOString(),
    durationMs: 61_000,
    ok: failed === 0,
    totals: { built: services.length - failed, skipped: 0, superseded: 0, failed },
    services,
  };
}

export function build(overrides: Partial<BuildRecord> = {}): BuildRecord {
  return {
    id: 1,
    kind: 'build',
    sha: 'c0ffee1234567890c0ffee1234567890c0ffee12',
    generation: 1,
    status: 'succeeded',
    engine: 'buildkit',
    report: buildReport([serviceResult('web'), serviceResult('api')]),
    error: null,
    queuedAt: minutesAgo(10),
    startedAt: minutesAgo(9),
    finishedAt: minutesAgo(8),
    replica: 'replica-a',
    ...overrides,
  };
}

export function environment(overrides: Partial<EnvironmentDetail> = {}): EnvironmentDetail {
  const builds = overrides.builds ?? [build()];
  return {
    buildUuid: testBuildUuid('wandering-credit-924200'),
    repository: 'acme/shop',
    kind: 'pull_request',
    pullRequestNumber: 12,
    pullRequestTitle: 'Add a cart',
    status: 'built',
    desiredSha: 'c0ffee1234567890c0ffee1234567890c0ffee12',
    generation: 1,
    createdAt: minutesAgo(60),
    updatedAt: minutesAgo(8),
    lastActivityAt: minutesAgo(8),
    ...(builds[0] ? { lastBuild: builds[0] } : {}),
    ...overrides,
    builds,
  };
}

export const failedBuild = build({
  id: 2,
  status: 'failed',
  report: buildReport([
    serviceResult('web'),
    serviceResult('api', {
      status: 'failed',
      reason: 'RUN npm test exited with 1',
      failure: {
        cause: 'build',
        kind: 'step-failed',
        step: '[api 4/6] RUN npm test',
        logTail: ['> api@1.0.0 test', 'Error: expected 200, got 500', 'token=***'],
      },
    }),
  ]),
});
