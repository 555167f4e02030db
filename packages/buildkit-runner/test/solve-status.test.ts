import { readFileSync } from 'node:fs';
import type { BuildEvent } from '@deployer/contracts';
import { describe, expect, it } from 'vitest';
import { SolveStatusReader } from '../src/progress/read-solve-status.js';
import { parseTraceLine } from '../src/progress/solve-status.js';
import { fixturePath, traceEvents } from './helpers.js';

function ofType<T extends BuildEvent['type']>(
  events: BuildEvent[],
  type: T,
): Extract<BuildEvent, { type: T }>[] {
  return events.filter((event): event is Extract<BuildEvent, { type: T }> => event.type === type);
}

/** What BuildKit ≥ 0.12 prints for the same status: lowercase JSON tags, empty fields omitted. */
function asRawJson(line: string): string {
  const lower = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(lower);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value).filter(
      ([, item]) => item !== null && item !== false && item !== '',
    );
    return Object.fromEntries(
      entries.map(([key, item]) => [key.charAt(0).toLowerCase() + key.slice(1), lower(item)]),
    );
  };
  return JSON.stringify(lower(JSON.parse(line)));
}

describe('parseTraceLine', () => {
  const lines = readFileSync(fixturePath('05-run-step-fails', 'trace.jsonl'), 'utf8').trim().split('\n');

  it('reads vertices with nanosecond timestamps, cache and error fields', () => {
    const failing = lines
      .map(parseTraceLine)
      .flatMap((status) => status?.vertexes ?? [])
      .at(-1);
    expect(failing).toMatchObject({
      digest: 'sha256:4172a81cebcfc52e1eef0276e8e67b37b51a16659512e55a477977c920df8462',
      name: '[2/2] RUN echo "about to fail" && echo "missing-module: not found" >&2 && exit 3',
      cached: false,
      error: expect.stringContaining('exit code: 3'),
    });
    expect(failing!.completed! - failing!.started!).toBeCloseTo(58.140744, 3);
  });

  it('decodes base64 log data with its stream', () => {
    const logs = lines.map(parseTraceLine).flatMap((status) => status?.logs ?? []);
    expect(logs.map((log) => [log.stream, Buffer.from(log.data).toString()])).toEqual([
      [1, 'about to fail\n'],
      [2, 'missing-module: not found\n'],
    ]);
  });

  it('reads the lowercase rawjson form of the same status', () => {
    for (const line of lines) expect(parseTraceLine(asRawJson(line))).toEqual(parseTraceLine(line));
  });

  it('ignores lines that are not a SolveStatus', () => {
    expect(parseTraceLine('#1 [internal] load .dockerignore')).toBeNull();
    expect(parseTraceLine('{"level":"info"}')).toBeNull();
    expect(parseTraceLine('{"Vertexes":')).toBeNull();
    expect(parseTraceLine('')).toBeNull();
  });

  it('reads warnings', () => {
    const line = JSON.stringify({
      vertexes: [{ digest: 'sha256:a', name: '[1/2] FROM base' }],
      warnings: [
        {
          vertex: 'sha256:a',
          level: 1,
          short: Buffer.from('FromAsCasing: mismatch').toString('base64'),
          url: 'https://docs.docker.com/go/dockerfile/rule/from-as-casing/',
        },
      ],
    });
    const reader = new SolveStatusReader();
    expect(reader.push(`${line}\n`)).toContainEqual({
      type: 'warning',
      message:
        '[1/2] FROM base: FromAsCasing: mismatch (https://docs.docker.com/go/dockerfile/rule/from-as-casing/)',
    });
  });
});

describe('readSolveStatus on the recordings', () => {
  it('streams a cold build: every step started and completed once, none cached', async () => {
    const events = await traceEvents('01-cold-base-env');
    const run = '[stage-1 4/4] RUN ls /app > /app/manifest.txt';
    expect(ofType(events, 'step-started').filter((event) => event.name === run)).toEqual([
      { type: 'step-started', stepId: expect.stringMatching(/^sha256:/), name: run, index: 4, total: 4 },
    ]);
    expect(ofType(events, 'step-completed').find((event) => event.name === run)).toMatchObject({
      cached: false,
    });
    expect(ofType(events, 'step-cached').filter((event) => event.name.startsWith('[stage-1'))).toEqual([]);
    expect(ofType(events, 'log')).toEqual([
      expect.objectContaining({ stream: 'stdout', line: 'installing deps' }),
    ]);
  });

  it('reports the missing import as a cache miss, not an error; internal vertices with index 0', async () => {
    const events = await traceEvents('01-cold-base-env');
    expect(ofType(events, 'cache-miss')).toEqual([
      {
        type: 'cache-miss',
        ref: '127.0.0.1:5055/cache/shop/web/main:cache',
        reason: expect.stringContaining('failed to configure registry cache importer'),
      },
    ]);
    expect(ofType(events, 'step-errored')).toEqual([]);
    expect(ofType(events, 'step-started').find((event) => event.name === 'exporting to image')).toMatchObject(
      {
        index: 0,
        total: null,
      },
    );
  });

  it('streams a warm build: the four steps cached', async () => {
    const events = await traceEvents('02-warm-same-env');
    expect(
      ofType(events, 'step-cached')
        .map((event) => event.name)
        .sort(),
    ).toEqual([
      '[deps 2/2] RUN echo "installing deps" && mkdir -p /deps && echo lib > /deps/lib.txt',
      '[stage-1 2/4] COPY --from=deps /deps /deps',
      '[stage-1 3/4] COPY . /app',
      '[stage-1 4/4] RUN ls /app > /app/manifest.txt',
    ]);
  });

  it('attributes a failing step its stdout and stderr lines before its error', async () => {
    const events = await traceEvents('05-run-step-fails');
    const tail = events.slice(-3);
    expect(tail.map((event) => event.type)).toEqual(['log', 'log', 'step-errored']);
    const [stdout, stderr, errored] = tail;
    expect(stdout).toMatchObject({ stream: 'stdout', line: 'about to fail' });
    expect(stderr).toMatchObject({ stream: 'stderr', line: 'missing-module: not found' });
    const stepIds = tail.map((event) => ('stepId' in event ? event.stepId : null));
    expect(new Set(stepIds)).toEqual(new Set([errored && 'stepId' in errored ? errored.stepId : 'none']));
  });

  it('joins log lines split across chunks and flushes an unterminated last line', () => {
    const reader = new SolveStatusReader();
    const log = (data: string) =>
      `${JSON.stringify({ Logs: [{ Vertex: 'sha256:v', Stream: 1, Data: Buffer.from(data).toString('base64') }] })}\n`;
    const first = reader.push(log('hel'));
    const second = reader.push(log('lo\nwor'));
    expect(first).toEqual([]);
    expect(second).toEqual([{ type: 'log', stepId: 'sha256:v', stream: 'stdout', line: 'hello' }]);
    expect(reader.end()).toEqual([{ type: 'log', stepId: 'sha256:v', stream: 'stdout', line: 'wor' }]);
  });

  it('yields events from a trace split at arbitrary byte boundaries exactly as from whole lines', async () => {
    const bytes = readFileSync(fixturePath('03-new-env-with-fallback', 'trace.jsonl'));
    const whole = await traceEvents('03-new-env-with-fallback');
    const reader = new SolveStatusReader();
    const events: BuildEvent[] = [];
    for (let offset = 0; offset < bytes.length; offset += 97)
      events.push(...reader.push(bytes.subarray(offset, offset + 97)));
    events.push(...reader.end());
    expect(events).toEqual(whole);
  });
});
