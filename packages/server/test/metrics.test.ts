import type { BuildReport, ServiceResult } from '@deployer/deploy';
import { register as globalRegistry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { createServerMetrics, metricNames } from '../src/metrics/index.js';
import { parseExposition } from './support/exposition.js';

function service(name: string, overrides: Partial<ServiceResult> = {}): ServiceResult {
  return {
    service: name,
    buildUuid: 'wandering-credit-924200',
    status: 'built',
    image: `registry.test/acme/${name}:c0ffee`,
    images: [],
    digest: 'sha256:aaaa',
    cacheHitRatio: 0.5,
    steps: { total: 5, cached: 2, shared: 1 },
    durationMs: 1000,
    healed: false,
    corruptCacheRefs: [],
    missingCacheRefs: [],
    attempts: 1,
    ...overrides,
  };
}

const report: Pick<BuildReport, 'services'> = {
  services: [
    service('web', {
      cacheHitRatio: 0.75,
      seeding: {
        status: 'mounted',
        reason: 'seeded from main',
        from: 'registry.test/web/main:cache',
        blobs: 4,
        bytes: 4096,
      },
    }),
    service('api', {
      cacheHitRatio: 0.25,
      seeding: { status: 'none', reason: 'nothing reused', from: null, blobs: 9, bytes: 9999 },
    }),
    service('docs', { status: 'skipped', cacheHitRatio: 0 }),
  ],
};

describe('createServerMetrics', () => {
  it('exposes every recorded event in the Prometheus text format', async () => {
    let queued = 3;
    const metrics = createServerMetrics({ queueDepth: async () => queued });
    metrics.recordBuild({ engine: 'buildkit', status: 'succeeded', durationSeconds: 42 });
    metrics.recordBuild({ engine: 'buildkit', status: 'succeeded', durationSeconds: 3 });
    metrics.recordBuild({ engine: 'buildah', status: 'failed', durationSeconds: 700 });
    metrics.recordQueueWait(0.3);
    metrics.recordQueueWait(20);
    metrics.recordBuildReport('acme/shop', report);
    metrics.recordClaimTakeover();
    metrics.recordWebhookDelivery('accepted');
    metrics.recordWebhookDelivery('accepted');
    metrics.recordWebhookDelivery('unauthorized');
    metrics.recordTtlSweep({ result: 'succeeded', environmentsRemoved: 2 });
    metrics.recordTtlSweep({ result: 'failed', environmentsRemoved: 0 });

    const { contentType, body } = await metrics.render();
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    const scraped = parseExposition(body);
    expect(scraped.value(metricNames.builds, { status: 'succeeded', engine: 'buildkit' })).toBe(2);
    expect(scraped.value(metricNames.builds, { status: 'failed', engine: 'buildah' })).toBe(1);

    const duration = `${metricNames.buildDuration}`;
    expect(scraped.types.get(duration)).toBe('histogram');
    expect(scraped.value(`${duration}_count`, { engine: 'buildkit', status: 'succeeded' })).toBe(2);
    expect(scraped.value(`${duration}_sum`, { engine: 'buildkit', status: 'succeeded' })).toBe(45);
    expect(scraped.value(`${duration}_bucket`, { engine: 'buildkit', status: 'succeeded', le: '5' })).toBe(1);
    expect(scraped.value(`${duration}_bucket`, { engine: 'buildkit', status: 'succeeded', le: '60' })).toBe(
      2,
    );
    expect(scraped.value(`${duration}_bucket`, { engine: 'buildah', status: 'failed', le: '600' })).toBe(0);
    expect(scraped.value(`${duration}_bucket`, { engine: 'buildah', status: 'failed', le: '+Inf' })).toBe(1);

    expect(scraped.value(`${metricNames.queueWait}_count`)).toBe(2);
    expect(scraped.value(`${metricNames.queueWait}_bucket`, { le: '0.5' })).toBe(1);
    expect(scraped.value(`${metricNames.queueWait}_sum`)).toBeCloseTo(20.3);

    // Built services only: the skipped one has no ratio of its own.
    expect(scraped.value(metricNames.serviceCacheHitRatio, { repository: 'acme/shop', service: 'web' })).toBe(
      0.75,
    );
    expect(scraped.value(metricNames.serviceCacheHitRatio, { repository: 'acme/shop', service: 'api' })).toBe(
      0.25,
    );
    expect(
      scraped.value(metricNames.serviceCacheHitRatio, { repository: 'acme/shop', service: 'docs' }),
    ).toBeUndefined();
    // Only what seeding mounted counts; `none` placed nothing.
    expect(scraped.value(metricNames.seedingBytes)).toBe(4096);
    expect(scraped.value(metricNames.seedingBlobs)).toBe(4);

    expect(scraped.value(metricNames.queueDepth)).toBe(3);
    expect(scraped.value(metricNames.claimTakeovers)).toBe(1);
    expect(scraped.value(metricNames.webhookDeliveries, { result: 'accepted' })).toBe(2);
    expect(scraped.value(metricNames.webhookDeliveries, { result: 'unauthorized' })).toBe(1);
    expect(scraped.value(metricNames.ttlSweeps, { result: 'succeeded' })).toBe(1);
    expect(scraped.value(metricNames.ttlSweeps, { result: 'failed' })).toBe(1);
    expect(scraped.value(metricNames.ttlEnvironmentsRemoved)).toBe(2);

    // The queue depth is read again on every scrape.
    queued = 0;
    expect(parseExposition((await metrics.render()).body).value(metricNames.queueDepth)).toBe(0);
  });

  it('declares every metric with its help, and a later ratio replaces the earlier one', async () => {
    const metrics = createServerMetrics({ queueDepth: async () => 0 });
    metrics.recordServiceCacheHitRatio({ repository: 'acme/shop', service: 'web', ratio: 0.1 });
    metrics.recordServiceCacheHitRatio({ repository: 'acme/shop', service: 'web', ratio: 0.9 });
    const scraped = parseExposition((await metrics.render()).body);
    expect([...scraped.types.keys()].sort()).toEqual(Object.values(metricNames).sort());
    for (const name of Object.values(metricNames)) expect(scraped.help.get(name)).toBeTruthy();
    expect(scraped.value(metricNames.serviceCacheHitRatio, { repository: 'acme/shop', service: 'web' })).toBe(
      0.9,
    );
  });

  it('keeps two servers in one process apart, and out of the global registry', async () => {
    const first = createServerMetrics({ queueDepth: async () => 1 });
    const second = createServerMetrics({ queueDepth: async () => 7 });
    first.recordClaimTakeover();
    first.recordClaimTakeover();
    second.recordClaimTakeover();
    const scrapedFirst = parseExposition((await first.render()).body);
    const scrapedSecond = parseExposition((await second.render()).body);
    expect(scrapedFirst.value(metricNames.claimTakeovers)).toBe(2);
    expect(scrapedSecond.value(metricNames.claimTakeovers)).toBe(1);
    expect(scrapedFirst.value(metricNames.queueDepth)).toBe(1);
    expect(scrapedSecond.value(metricNames.queueDepth)).toBe(7);
    expect(
      globalRegistry.getMetricsAsArray().filter((metric) => metric.name.startsWith('deployer_')),
    ).toEqual([]);
  });

  it('fails the scrape when the queue depth cannot be read', async () => {
    const metrics = createServerMetrics({
      queueDepth: async () => {
        throw new Error('database unreachable');
      },
    });
    await expect(metrics.render()).rejects.toThrow('database unreachable');
  });
});
