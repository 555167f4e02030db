import { describe, expect, it } from 'vitest';
import { ProgressTracker } from '../src/progress/progress-tracker.js';
import { isCountedStep, parseStepName } from '../src/progress/step-name.js';
import { R, traceSummary } from './helpers.js';

const cache = (uuid: string) => `${R}/cache/shop/web/${uuid}:cache`;

describe('ProgressTracker on the recordings', () => {
  it('cold build: 0 of 4 steps cached, the own ref missing', async () => {
    const summary = await traceSummary('01-cold-base-env');
    expect(summary.steps).toEqual({ total: 4, cached: 0, shared: 0 });
    expect(summary.cacheHitRatio).toBe(0);
    expect(summary.missingCacheRefs).toEqual([cache('main')]);
    expect(summary.importedCacheRefs).toEqual([]);
    expect(summary.failedStep).toBeNull();
    expect(summary.stepTimings.map((timing) => timing.name)).toEqual([
      '[deps 2/2] RUN echo "installing deps" && mkdir -p /deps && echo lib > /deps/lib.txt',
      '[stage-1 2/4] COPY --from=deps /deps /deps',
      '[stage-1 3/4] COPY . /app',
      '[stage-1 4/4] RUN ls /app > /app/manifest.txt',
    ]);
    const run = summary.stepTimings.find((timing) => timing.name.startsWith('[stage-1 4/4]'));
    expect(run?.durationMs).toBeGreaterThan(10);
    expect(run?.cached).toBe(false);
  });

  it('warm rebuild: all 4 build steps cached from the own ref', async () => {
    const summary = await traceSummary('02-warm-same-env');
    expect(summary.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(summary.cacheHitRatio).toBe(1);
    expect(summary.missingCacheRefs).toEqual([]);
    expect(summary.importedCacheRefs).toEqual([cache('main')]);
  });

  it('new environment warmed by the fallback: own ref missing, 4 of 4 cached', async () => {
    const summary = await traceSummary('03-new-env-with-fallback');
    expect(summary.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(summary.missingCacheRefs).toEqual([cache('wandering-credit-924200')]);
    expect(summary.importedCacheRefs).toEqual([cache('main')]);
    expect(summary.stepTimings.every((timing) => timing.cached)).toBe(true);
  });

  it('new environment without fallback: the cold start, 0 of 4', async () => {
    const summary = await traceSummary('04-new-env-no-fallback');
    expect(summary.steps).toEqual({ total: 4, cached: 0, shared: 0 });
    expect(summary.missingCacheRefs).toEqual([cache('quiet-river-118877')]);
  });

  it('failing RUN: the step, its error and its output', async () => {
    const summary = await traceSummary('05-run-step-fails');
    expect(summary.steps).toEqual({ total: 1, cached: 0, shared: 0 });
    expect(summary.failedStep).toEqual({
      name: '[2/2] RUN echo "about to fail" && echo "missing-module: not found" >&2 && exit 3',
      error: expect.stringContaining('did not complete successfully: exit code: 3'),
      logTail: ['about to fail', 'missing-module: not found'],
    });
  });

  it('corrupt fallback: steps cached from main, then the export vertex failed', async () => {
    const summary = await traceSummary('09-corrupt-fallback-cache');
    expect(summary.steps).toEqual({ total: 4, cached: 4, shared: 0 });
    expect(summary.importedCacheRefs).toEqual([cache('main')]);
    expect(summary.missingCacheRefs).toEqual([cache('silent-lake-300001')]);
    expect(summary.failedStep?.name).toBe('exporting to image');
  });

  it('the retry without the corrupt ref: a cold build that succeeded', async () => {
    const summary = await traceSummary('10-retry-without-corrupt-cache');
    expect(summary.steps).toEqual({ total: 4, cached: 0, shared: 0 });
    expect(summary.failedStep).toBeNull();
  });

  it('skips cancellations of parallel steps when naming the failed one', () => {
    const tracker = new ProgressTracker();
    tracker.observe({
      type: 'step-errored',
      stepId: 'a',
      name: '[build 2/3] RUN sleep 10',
      error: 'context canceled',
    });
    tracker.observe({
      type: 'step-errored',
      stepId: 'b',
      name: '[test 2/2] RUN false',
      error: 'exit code: 1',
    });
    expect(tracker.summary().failedStep?.name).toBe('[test 2/2] RUN false');
  });

  it('keeps a bounded log tail per step', () => {
    const tracker = new ProgressTracker();
    tracker.observe({ type: 'step-started', stepId: 's', name: '[1/2] RUN seq 100', index: 1, total: 2 });
    for (let line = 1; line <= 100; line += 1)
      tracker.observe({ type: 'log', stepId: 's', stream: 'stdout', line: `${line}` });
    tracker.observe({ type: 'step-errored', stepId: 's', name: '[1/2] RUN seq 100', error: 'exit code: 1' });
    expect(tracker.summary().failedStep?.logTail).toEqual(
      Array.from({ length: 20 }, (_, index) => `${81 + index}`),
    );
  });
});

describe('step names', () => {
  it.each([
    ['[stage-1 2/4] COPY . /app', true],
    ['[2/2] RUN make', true],
    ['[linux/arm64 builder 3/5] RUN make', true],
    ['[deps 1/2] FROM 127.0.0.1:5055/base/busybox:latest@sha256:9f96', false],
    ['[internal] load build context', false],
    ['exporting to image', false],
    ['importing cache manifest from r/c:cache', false],
  ])('%s counts as a step: %s', (name, counted) => {
    expect(isCountedStep(name)).toBe(counted);
  });

  it('parses positions, prefixes and imported refs', () => {
    expect(parseStepName('[linux/arm64 builder 3/5] RUN make')).toEqual({
      kind: 'dockerfile',
      prefix: 'linux/arm64 builder',
      index: 3,
      total: 5,
      instruction: 'RUN',
    });
    expect(parseStepName(`importing cache manifest from ${cache('main')}`)).toEqual({
      kind: 'cache-import',
      ref: cache('main'),
    });
  });
});
