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
});
