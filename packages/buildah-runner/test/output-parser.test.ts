import type { BuildEvent } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { BuildahOutputParser } from '../src/progress/output-parser.js';
import { replay } from './helpers/transcript.js';

const counted = (name: string) => replay(name).summary.steps.filter((step) => step.counted);

describe('BuildahOutputParser on recorded buildah 1.28 runs', () => {
  it('reads a cold multi-stage build: every instruction a step, none cached, cache pushed per layer', () => {
    const { summary, events } = replay('01-cold-base-env');
    expect(summary.steps.map((step) => step.name)).toEqual([
      '[1/2] FROM 127.0.0.1:5077/base/busybox:latest AS deps',
      '[1/2] RUN echo "installing deps" && mkdir -p /deps && echo lib > /deps/lib.txt',
      '[2/2] FROM 127.0.0.1:5077/base/busybox:latest',
      '[2/2] COPY --from=deps /deps /deps',
      '[2/2] COPY . /app',
      '[2/2] RUN ls /app > /app/manifest.txt',
      '[2/2] CMD ["cat", "/app/manifest.txt"]',
    ]);
    expect(summary.steps.map((step) => step.id)).toEqual([
      'step-1.1',
      'step-1.2',
      'step-2.1',
      'step-2.2',
      'step-2.3',
      'step-2.4',
      'step-2.5',
    ]);
    // Counted like the BuildKit runner: RUN/COPY/ADD/WORKDIR, not FROM or CMD.
    expect(counted('01-cold-base-env').map((step) => step.instruction)).toEqual([
      'RUN',
      'COPY',
      'COPY',
      'RUN',
    ]);
    expect(summary.steps.some((step) => step.cached)).toBe(false);
    expect(summary.pushedCache).toHaveLength(5);
    expect(new Set(summary.pushedCache.map((image) => image.repository))).toEqual(
      new Set(['127.0.0.1:5077/cache/shop/web/main']),
    );
    expect(summary.pulledCache).toEqual([]);
    expect(summary.imageId).toBe('3fde2e5ef547900092d90ee3fbea6702ed88a0e6edcefde6c1cac9656d2312a4');
    expect(summary.errorMessage).toBeNull();
    expect(events.filter((event) => event.type === 'step-completed')).toHaveLength(7);
    expect(events).toContainEqual({
      type: 'log',
      stepId: 'step-1.2',
      stream: 'stdout',
      line: 'installing deps',
    });
  });

  it('streams step-started, step-cached and step-completed in order for a warm build', () => {
    const { summary, events } = replay('02-warm-same-env');
    const runStep = events.filter(
      (event) => event.type !== 'log' && 'stepId' in event && event.stepId === 'step-2.4',
    );
    expect(runStep.map((event) => event.type)).toEqual(['step-started', 'step-cached', 'step-completed']);
    expect(runStep[0]).toMatchObject({ index: 4, total: 5, name: '[2/2] RUN ls /app > /app/manifest.txt' });
    expect(runStep[2]).toMatchObject({ cached: true });
    const steps = counted('02-warm-same-env');
    expect(steps.every((step) => step.cached)).toBe(true);
    expect(steps).toHaveLength(4);
    expect(summary.pulledCache).toHaveLength(5);
    expect(summary.pushedCache).toEqual([]);
  });

  it('sees which repository a fallback-warmed build pulled its cache from', () => {
    const { summary } = replay('03-new-env-with-fallback');
    expect(counted('03-new-env-with-fallback').filter((step) => step.cached)).toHaveLength(4);
    expect(new Set(summary.pulledCache.map((image) => image.repository))).toEqual(
      new Set(['127.0.0.1:5077/cache/shop/web/main']),
    );
  });

  it('reads a missing cache repository as a cold build, not an error', () => {
    const { summary, exit } = replay('04-new-env-no-fallback');
    expect(exit).toBe('0');
    expect(summary.errorMessage).toBeNull();
    expect(counted('04-new-env-no-fallback').filter((step) => step.cached)).toHaveLength(0);
    expect(summary.pushedCache.every((image) => image.repository.endsWith('/quiet-river-118877'))).toBe(true);
  });

  it('marks the failing RUN step errored, with its output in the log tail', () => {
    const { summary, events } = replay('05-run-step-fails');
    const failing = summary.steps.at(-1)!;
    expect(failing).toMatchObject({ errored: true, instruction: 'RUN', id: 'step-1.2' });
    expect(failing.logTail).toEqual(
      expect.arrayContaining([
        'about to fail',
        'missing-module: not found',
        'subprocess exited with status 3',
      ]),
    );
    expect(summary.errorMessage).toBe(
      'building at STEP "RUN echo "about to fail" && echo "missing-module: not found" >&2 && exit 3": exit status 3',
    );
    expect(events.at(-1)).toMatchObject({ type: 'step-errored', stepId: 'step-1.2' });
    expect(events).toContainEqual({
      type: 'log',
      stepId: 'step-1.2',
      stream: 'stderr',
      line: 'missing-module: not found',
    });
  });

  it('reads a cache image with a missing blob as a silent miss in a successful build', () => {
    const { summary, exit } = replay('10-corrupt-fallback-cache');
    expect(exit).toBe('0');
    expect(counted('10-corrupt-fallback-cache').map((step) => step.cached)).toEqual([
      false,
      true,
      true,
      true,
    ]);
    expect(summary.errorMessage).toBeNull();
  });

  it("turns buildah's retry warnings into warning events", () => {
    const { events, summary } = replay('08-cache-registry-unreachable');
    const warnings = events.filter(
      (event): event is Extract<BuildEvent, { type: 'warning' }> => event.type === 'warning',
    );
    expect(warnings).toHaveLength(6);
    expect(warnings[0]!.message).toMatch(
      /^Failed, retrying in 2s \.\.\. \(1\/3\)\. Error: initializing source docker:/,
    );
    expect(warnings[0]!.message).toContain('"http://127.0.0.1:5999/v2/"');
    expect(summary.errorMessage).toMatch(/^failed pushing cache to/);
  });

  it('leaves a killed build with its running step open until finished as errored', () => {
    const { summary } = replay('09-killed-mid-run');
    expect(summary.steps.at(-1)).toMatchObject({ instruction: 'RUN', errored: true, logTail: ['started'] });
    expect(summary.errorMessage).toBeNull();
  });

  it('measures step durations with the given clock', () => {
    const events: BuildEvent[] = [];
    let clock = 1_000;
    const parser = new BuildahOutputParser({ onEvent: (event) => events.push(event), now: () => clock });
    parser.line('stdout', 'STEP 1/2: FROM base');
    clock = 1_250;
    parser.line('stdout', 'STEP 2/2: RUN make');
    clock = 4_250;
    parser.line('stdout', '--> 0123456789a');
    const summary = parser.finish(null);
    expect(summary.steps.map((step) => step.durationMs)).toEqual([250, 3_000]);
    expect(events.filter((event) => event.type === 'step-completed')).toEqual([
      { type: 'step-completed', stepId: 'step-1.1', name: 'FROM base', cached: false, durationMs: 250 },
      { type: 'step-completed', stepId: 'step-1.2', name: 'RUN make', cached: false, durationMs: 3_000 },
    ]);
  });

  it('keeps only the last lines of a step', () => {
    const parser = new BuildahOutputParser({ logTailLines: 3 });
    parser.line('stdout', 'STEP 1/1: RUN seq 10');
    for (let n = 1; n <= 10; n++) parser.line('stdout', String(n));
    expect(parser.finish('boom').steps[0]!.logTail).toEqual(['8', '9', '10']);
  });
});

describe('what buildah 1.28 does with two --cache-from (recorded)', () => {
  it('reads only the last one', () => {
    const hits = (name: string) => replay(name).summary.steps.filter((step) => step.cached).length;
    expect(hits('17-cache-from-twice-fallback-last')).toBeGreaterThan(0);
    expect(hits('18-cache-from-twice-missing-last')).toBe(0);
  });
});
