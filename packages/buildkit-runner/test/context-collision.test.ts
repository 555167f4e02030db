import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseTraceLine } from '../src/progress/solve-status.js';
import { fakesDir, collisionRegistry as R, recordedDigests, traceEvents, traceSummary } from './helpers.js';

/*
 * The recordings behind "a fully cached build reports shared steps though no identical build ran"
 * (test/fixtures/recorded, cases 15–17, see its README): three services, web, api and worker, whose
 * contexts each hold one `stamp` file of the same name, size and mtime but different bytes. buildctl
 * opens its session without a shared key, so the daemon uploads every build's `context` into the same
 * reusable directories, compared by metadata only: a build can get another service's files. These tests
 * pin down what the daemon did and that the step counts report it faithfully.
 */

const copy = '[2/3] COPY stamp /stamp';
const run = '[3/3] RUN sleep 2 && cat /stamp > /built';
const own = {
  web: recordedDigests('15-collision-first-web'),
  api: recordedDigests('15-collision-first-api'),
};

/** Every digest a recorded client's stream gave each counted step, and whether any update started it. */
function stepVertices(name: string): Map<string, { digests: Set<string>; started: boolean }> {
  const steps = new Map<string, { digests: Set<string>; started: boolean }>();
  for (const line of readFileSync(`${fakesDir}recorded/${name}.trace.jsonl`, 'utf8').split('\n')) {
    for (const vertex of parseTraceLine(line)?.vertexes ?? []) {
      if (vertex.name !== copy && vertex.name !== run) continue;
      const step = steps.get(vertex.name) ?? { digests: new Set<string>(), started: false };
      step.digests.add(vertex.digest);
      step.started ||= vertex.started !== null;
      steps.set(vertex.name, step);
    }
  }
  return steps;
}

describe('two services whose contexts differ only in bytes, on one daemon (recorded)', () => {
  it('alone, each builds its own image', () => {
    expect(own.web.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(own.api.image).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(own.web.image).not.toBe(own.api.image);
  });

  it('after web, worker (whose bytes no build ever had) reports 2 of 2 cached, and pushed web’s image', async () => {
    const summary = await traceSummary('16-collision-after-worker');
    expect(summary.steps).toEqual({ total: 2, cached: 2, shared: 0 });
    expect(summary.cacheHitRatio).toBe(1);
    expect(summary.missingCacheRefs).toEqual([`${R}/mixup/cache/worker/main:cache`]);
    // Its COPY hit the cache because the daemon copied web's stamp, not worker's.
    expect(recordedDigests('16-collision-after-worker')).toEqual(own.web);
  });

  it('at once: web was given api’s files and ran api’s steps; api counts them shared', async () => {
    const web = await traceSummary('17-collision-concurrent-web');
    expect(web.steps).toEqual({ total: 2, cached: 2, shared: 0 });
    const api = await traceSummary('17-collision-concurrent-api');
    expect(api.steps).toEqual({ total: 2, cached: 0, shared: 2 });
    expect(api.cacheHitRatio).toBe(0);
    expect(api.stepTimings.map((step) => step.name).sort()).toEqual([copy, run]);
    // Another client's solve did run them: web's, which pushed api's image under web's name.
    expect(recordedDigests('17-collision-concurrent-web')).toEqual(own.api);
    expect(recordedDigests('17-collision-concurrent-api')).toEqual(own.api);
  });

  it('the solver merged the steps by cache key: api’s vertices are not web’s and never start in api’s stream', () => {
    const web = stepVertices('17-collision-concurrent-web');
    const api = stepVertices('17-collision-concurrent-api');
    for (const name of [copy, run]) {
      expect(web.get(name)?.started, name).toBe(true);
      expect(api.get(name)?.started, name).toBe(false);
      // Each session's context source has its own digest, so no vertex of api's appears in web's stream:
      // nothing in a client's stream can say which build ran a shared step.
      const webDigests = [...(web.get(name)?.digests ?? [])];
      expect(webDigests.some((digest) => api.get(name)?.digests.has(digest))).toBe(false);
    }
  });

  it('announces the shared steps only at the end of api’s stream', async () => {
    const events = await traceEvents('17-collision-concurrent-api');
    const shared = events.filter((event) => event.type === 'step-shared');
    expect(shared.map((event) => ('name' in event ? event.name : '')).sort()).toEqual([copy, run]);
    const steps = new Set([copy, run]);
    const named = (event: (typeof events)[number]) => 'name' in event && steps.has(event.name);
    expect(events.filter(named).every((event) => event.type === 'step-shared')).toBe(true);
  });
});
