import { describe, expect, it } from 'vitest';
import type { BuildReport, ServiceResult } from '../src/index.js';
import { hookBuildReport, hookTeardownResult } from '../src/index.js';

const service = (name: string, extra: Partial<ServiceResult>): ServiceResult => ({
  service: name,
  buildUuid: 'quiet-river-123456',
  status: 'built',
  image: `r.test/shop/${name}:abc`,
  images: [`r.test/shop/${name}:abc`, `r.test/shop/${name}:quiet-river-123456`],
  digest: 'sha256:1111',
  cacheHitRatio: 0.5,
  steps: { total: 4, cached: 2, shared: 0 } as ServiceResult['steps'],
  durationMs: 10,
  healed: false,
  corruptCacheRefs: [],
  missingCacheRefs: [],
  attempts: 1,
  ...extra,
});

describe('hook contexts', () => {
  it("narrows a build report to contracts' shape, a copy", () => {
    const report = {
      buildUuid: 'quiet-river-123456',
      engine: 'buildkit',
      ok: false,
      services: [service('web', {}), service('api', { status: 'failed', digest: null, reason: 'exit 1' })],
    } as BuildReport;
    const seen = hookBuildReport(report);
    expect(seen).toEqual({
      buildUuid: 'quiet-river-123456',
      engine: 'buildkit',
      ok: false,
      services: [
        {
          service: 'web',
          status: 'built',
          image: 'r.test/shop/web:abc',
          digest: 'sha256:1111',
          cacheHitRatio: 0.5,
        },
        {
          service: 'api',
          status: 'failed',
          image: 'r.test/shop/api:abc',
          digest: null,
          cacheHitRatio: 0.5,
          reason: 'exit 1',
        },
      ],
    });
    seen.services[0]!.image = 'changed';
    expect(report.services[0]?.image).toBe('r.test/shop/web:abc');
  });

  it('narrows a teardown result', () => {
    const result = hookTeardownResult({
      buildUuid: 'quiet-river-123456' as never,
      dryRun: true,
      actions: [
        { kind: 'image', service: 'web', action: 'delete', ref: 'r.test/shop/web:x', deleted: false },
      ],
    } as never);
    expect(result).toEqual({
      buildUuid: 'quiet-river-123456',
      dryRun: true,
      actions: [{ ref: 'r.test/shop/web:x', action: 'delete', deleted: false }],
    });
  });
});
