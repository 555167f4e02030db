import { createReadStream } from 'node:fs';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { readSolveStatus } from '@deployer/buildkit-runner';
import { describe, expect, it } from 'vitest';
import { plainProgress } from '../src/output/progress.js';

// Real BuildKit traces recorded for buildkit-runner (see that folder's README), streamed through the
// runner's reader into the plain progress view, as `deployer build` does with a live build.
const recorded = fileURLToPath(
  new URL('../../../packages/buildkit-runner/test/fixtures/recorded/', import.meta.url),
);
const R = '127.0.0.1:41347';

async function plainLines(name: string, buildUuid: string): Promise<string[]> {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
  const view = plainProgress(out);
  for await (const event of readSolveStatus(createReadStream(`${recorded}${name}.trace.jsonl`)))
    view.onEvent({ buildUuid, service: 'web', event: { type: 'engine', event } });
  return chunks.join('').trimEnd().split('\n');
}

describe('plain progress of recorded BuildKit builds', () => {
  it("shows a new environment's missing own cache ref as a cache miss, not an error", async () => {
    const lines = await plainLines('12-own-ref-missing-fallback-hit', 'calm-brook-410001');
    expect(lines).toContain(
      `[calm-brook-410001] web: cache miss ${R}/cache/shop/web/calm-brook-410001:cache`,
    );
    expect(lines.filter((line) => /ERROR|failed to configure registry cache importer/.test(line))).toEqual(
      [],
    );
    expect(lines.filter((line) => line.includes(' CACHED ['))).toHaveLength(4);
  });

  it('shows the steps a concurrent identical build ran as shared', async () => {
    const lines = await plainLines('14-concurrent-fallback-a', 'red-pine-610001');
    expect(lines.filter((line) => line.includes(' SHARED ['))).toEqual([
      expect.stringContaining('[red-pine-610001] web: SHARED ['),
      expect.any(String),
      expect.any(String),
      expect.any(String),
    ]);
    expect(lines).toContain(`[red-pine-610001] web: cache miss ${R}/cache/shop/web/red-pine-610001:cache`);
  });

  it('keeps the reason of a miss that is not a plain "not found"', async () => {
    const out = new PassThrough();
    const chunks: string[] = [];
    out.on('data', (chunk: Buffer) => chunks.push(chunk.toString()));
    const reason =
      'failed to configure registry cache importer: http: server gave HTTP response to HTTPS client';
    plainProgress(out).onEvent({
      buildUuid: 'main',
      service: 'web',
      event: { type: 'engine', event: { type: 'cache-miss', ref: 'r/cache/web/main:cache', reason } },
    });
    expect(chunks.join('')).toBe(`[main] web: cache miss r/cache/web/main:cache: ${reason}\n`);
  });
});
