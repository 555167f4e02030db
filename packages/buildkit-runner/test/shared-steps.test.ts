import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SolveStatusReader } from '../src/progress/read-solve-status.js';
import { fakesDir, recordedRegistry as R, traceEvents, traceSummary } from './helpers.js';

const cache = (uuid: string) => `${R}/cache/shop/web/${uuid}:cache`;
const steps = [
  '[deps 2/2] RUN echo "installing deps" && mkdir -p /deps && echo lib > /deps/lib.txt',
  '[stage-1 2/4] COPY --from=deps /deps /deps',
  '[stage-1 3/4] COPY . /app',
  '[stage-1 4/4] RUN ls /app > /app/manifest.txt',
];
const byName = <T extends { name: string }>(timings: T[]) =>
  [...timings].sort((a, b) => a.name.localeCompare(b.name));

describe('two concurrent identical builds on one daemon (recorded)', () => {
  it('cold: the client that ran every step reports 4 built, nothing shared', async () => {
    const summary = await traceSummary('13-concurrent-cold-a');
    expect(summary.steps).toEqual({ total: 4, cached: 0, shared: 0 });
    expect(summary.cacheHitRatio).toBe(0);
    expect(summary.missingCacheRefs).toEqual([cache('bold-fox-510001')]);
  });

  it('cold: the other client counts the 2 steps it never saw finish as shared, total still 4', async () => {
    const summary = await traceSummary('13-concurrent-cold-b');
    expect(summary.steps).toEqual({ total: 4, cached: 0, shared: 2 });
    // Two steps this build ran, none from cache: still no cache hit.
    expect(summary.cacheHitRatio).toBe(0);
    expect(byName(summary.stepTimings).map(({ name, shared }) => [name, shared])).toEqual([
      [steps[0], false],
      [steps[1], false],
      [steps[2], true],
      [steps[3], true],
    ]);
    expect(summary.failedStep).toBeNull();
  });

  it('with a fallback: one client imported all 4 steps, the other took all 4 from it', async () => {
    const importer = await traceSummary('14-concurrent-fallback-b');
    expect(importer.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(importer.cacheHitRatio).toBe(1);
    expect(importer.importedCacheRefs).toEqual([cache('main')]);

    const sharer = await traceSummary('14-concurrent-fallback-a');
    expect(sharer.steps).toEqual({ total: 4, cached: 0, shared: 4 });
    // Neither built nor imported by this build: the ratio has no step to speak of.
    expect(sharer.cacheHitRatio).toBe(0);
    expect(sharer.stepTimings.map((timing) => timing.name).sort()).toEqual([...steps].sort());
    expect(sharer.missingCacheRefs).toEqual([cache('red-pine-610001')]);
    expect(sharer.importedCacheRefs).toEqual([cache('main')]);
  });

  it('announces shared steps once, at the end of the stream, as step-shared events', async () => {
    const events = await traceEvents('14-concurrent-fallback-a');
    const shared = events.filter((event) => event.type === 'step-shared');
    expect(shared.map((event) => ('name' in event ? event.name : '')).sort()).toEqual([...steps].sort());
    const firstShared = events.findIndex((event) => event.type === 'step-shared');
    expect(events.slice(firstShared).every((event) => event.type === 'step-shared')).toBe(true);
  });

  it('announces none when the build process failed, though no vertex reported an error', () => {
    const trace = readFileSync(`${fakesDir}recorded/14-concurrent-fallback-a.trace.jsonl`);
    const failed = new SolveStatusReader();
    const events = [...failed.push(trace), ...failed.end(false)];
    expect(events.filter((event) => event.type === 'step-shared')).toEqual([]);
    const succeeded = new SolveStatusReader();
    const shared = [...succeeded.push(trace), ...succeeded.end(true)].filter((e) => e.type === 'step-shared');
    expect(shared.length).toBeGreaterThanOrEqual(4);
  });

  it('a lone build shares nothing', async () => {
    for (const name of ['11-own-ref-missing-cold', '12-own-ref-missing-fallback-hit'] as const) {
      const events = await traceEvents(name);
      expect(events.filter((event) => event.type === 'step-shared')).toEqual([]);
    }
  });
});

describe('a build whose own cache ref is a 404 (recorded)', () => {
  it('reports the ref as a cache miss event with the registry reason, and no errored step', async () => {
    const events = await traceEvents('11-own-ref-missing-cold');
    expect(events.filter((event) => event.type === 'cache-miss')).toEqual([
      {
        type: 'cache-miss',
        ref: cache('main'),
        reason: `failed to configure registry cache importer: ${cache('main')}: not found`,
      },
    ]);
    expect(events.filter((event) => event.type === 'step-errored')).toEqual([]);
    const summary = await traceSummary('11-own-ref-missing-cold');
    expect(summary).toMatchObject({
      steps: { total: 4, cached: 0, shared: 0 },
      missingCacheRefs: [cache('main')],
      importedCacheRefs: [],
      failedStep: null,
    });
  });

  it('with a fallback: own ref missing, fallback imported, 4 of 4 cached', async () => {
    const summary = await traceSummary('12-own-ref-missing-fallback-hit');
    expect(summary.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(summary.missingCacheRefs).toEqual([cache('calm-brook-410001')]);
    expect(summary.importedCacheRefs).toEqual([cache('main')]);
  });
});

describe('unfinished vertices of a failed build', () => {
  it.each(['05-run-step-fails', '07-registry-unreachable', '09-corrupt-fallback-cache'] as const)(
    '%s: not shared, they never ran',
    async (name) => {
      const events = await traceEvents(name);
      expect(events.some((event) => event.type === 'step-errored')).toBe(true);
      expect(events.filter((event) => event.type === 'step-shared')).toEqual([]);
    },
  );
});
