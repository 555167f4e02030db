import { describe, expect, it } from 'vitest';
import { readBuildReport } from '../src/report-view.js';
import { buildReport, serviceResult } from './support/fixtures.js';

describe('readBuildReport', () => {
  it("reads deploy's report JSON, as an object or as reportToJson's text", () => {
    const report = buildReport([
      serviceResult('web', { failure: { cause: 'build', step: 'RUN x', logTail: ['a'] } }),
    ]);
    for (const stored of [report, `${JSON.stringify(report, null, 2)}\n`]) {
      expect(readBuildReport(stored)).toEqual({
        engine: 'buildkit',
        runId: 'run-1',
        durationMs: 61_000,
        ok: true,
        importOrder: [
          { buildUuid: 'wandering-credit-924200', source: 'own', why: 'its own cache' },
          { buildUuid: 'main', source: 'fallback', why: 'default branch main' },
        ],
        services: [
          {
            service: 'web',
            status: 'built',
            image: 'registry.test/acme/web:c0ffee',
            digest: 'sha256:aaaa',
            cacheHitRatio: 0.75,
            steps: { total: 9, cached: 6, shared: 1 },
            durationMs: 12_345,
            reason: null,
            failure: { cause: 'build', step: 'RUN x', logTail: ['a'] },
            cacheRefresh: null,
          },
        ],
      });
    }
  });

  it('keeps only fields of the expected type and drops anything unreadable', () => {
    expect(readBuildReport(null)).toBeNull();
    expect(readBuildReport('not json')).toBeNull();
    const view = readBuildReport({
      engine: 7,
      services: [
        { service: 'web', cacheHitRatio: 'high', steps: { total: 'x' }, failure: { logTail: [1, 'ok'] } },
        'x',
      ],
    });
    expect(view?.engine).toBeNull();
    expect(view?.services).toHaveLength(1);
    expect(view?.services[0]).toMatchObject({
      cacheHitRatio: null,
      steps: null,
      failure: { logTail: ['ok'] },
    });
  });

  it('reads the import order and a cache refresh, each entry only when every field has its type', () => {
    const view = readBuildReport({
      importOrder: [
        { buildUuid: 'pr-7', source: 'own', why: 'its own cache' },
        { buildUuid: 'main', source: 'upstream', why: 'not a source deploy writes' },
        { buildUuid: 12, source: 'fallback', why: 'not a build uuid' },
        { buildUuid: 'release-1-4', source: 'fallback' },
        'main',
        { buildUuid: 'main', source: 'fallback', why: 'default branch main', extra: '<b>' },
      ],
      services: [
        {
          service: 'web',
          status: 'skipped',
          cacheRefresh: { status: 'refreshed', from: 'registry.test/acme/web/pr-12:cache', reason: 'r' },
        },
        {
          service: 'api',
          status: 'skipped',
          cacheRefresh: { status: 'none', from: null, reason: 'up to date' },
        },
        { service: 'db', cacheRefresh: { status: 'partly', from: null, reason: 'x' } },
        { service: 'worker', cacheRefresh: { status: 'none', from: 3, reason: 'no from' } },
        { service: 'queue', cacheRefresh: { status: 'none' } },
      ],
    });
    expect(view?.importOrder).toEqual([
      { buildUuid: 'pr-7', source: 'own', why: 'its own cache' },
      { buildUuid: 'main', source: 'fallback', why: 'default branch main' },
    ]);
    expect(view?.services.map((service) => service.cacheRefresh)).toEqual([
      { status: 'refreshed', from: 'registry.test/acme/web/pr-12:cache', reason: 'r' },
      { status: 'none', from: null, reason: 'up to date' },
      null,
      { status: 'none', from: null, reason: 'no from' },
      null,
    ]);
    // A report from before deploy recorded the order has none; one whose order is not a list neither.
    expect(readBuildReport({ services: [] })?.importOrder).toBeNull();
    expect(readBuildReport({ importOrder: { own: 'x' } })?.importOrder).toBeNull();
  });
});
