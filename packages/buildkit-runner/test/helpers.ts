import { createReadStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CacheConfigInput, parseCacheConfig, planCache } from '@deployer/cache-ref';
import type { BuildEvent, CachePlan } from '@deployer/contracts';
import { ProgressTracker } from '../src/progress/progress-tracker.js';
import { readSolveStatus } from '../src/progress/read-solve-status.js';
import { testBuildUuid, testBuildUuids } from './build-uuids.js';

/**
 * The real BuildKit recordings (see their README), kept in the repository as received in
 * shared/fixtures/buildkit, so the tests need nothing beside the checkout.
 */
export const fixtureDir = fileURLToPath(new URL('./fixtures/reference/', import.meta.url));
export const fakesDir = fileURLToPath(new URL('./fixtures/', import.meta.url));

export const fixtureCases = [
  '01-cold-base-env',
  '02-warm-same-env',
  '03-new-env-with-fallback',
  '04-new-env-no-fallback',
  '05-run-step-fails',
  '06-dockerfile-syntax-error',
  '07-registry-unreachable',
  '08-daemon-unreachable',
  '09-corrupt-fallback-cache',
  '10-retry-without-corrupt-cache',
] as const;
export type FixtureCase = (typeof fixtureCases)[number];

export function fixturePath(name: FixtureCase, kind: 'trace.jsonl' | 'plain.log' | 'metadata.json'): string {
  return `${fixtureDir}${name}.${kind}`;
}

/** buildctl's recorded exit status (`NN-name.exitcode` holds `… rc=N`). */
export function recordedExitCode(name: FixtureCase): number {
  return Number(/rc=(\d+)/.exec(readFileSync(`${fixtureDir}${name}.exitcode`, 'utf8'))?.[1]);
}

export function plainLog(name: FixtureCase): string[] {
  return readFileSync(fixturePath(name, 'plain.log'), 'utf8').split('\n');
}

/**
 * This package's own recordings (test/fixtures/recorded, see its README): registry 127.0.0.1:41347, except
 * the build-context collision cases 15–17 (`collisionRegistry`).
 */
export const recordedCases = [
  '11-own-ref-missing-cold',
  '12-own-ref-missing-fallback-hit',
  '13-concurrent-cold-a',
  '13-concurrent-cold-b',
  '14-concurrent-fallback-a',
  '14-concurrent-fallback-b',
  '16-collision-after-worker',
  '17-collision-concurrent-web',
  '17-collision-concurrent-api',
] as const;
export type RecordedCase = (typeof recordedCases)[number];
export const recordedRegistry = '127.0.0.1:41347';
/** The build-context collision recordings (15–17) were made against another registry. */
export const collisionRegistry = '127.0.0.1:34363';

/** What a recording's `--metadata-file` says was pushed: the image and the cache manifest digests. */
export function recordedDigests(name: string): { image: string; cache: string } {
  const metadata = JSON.parse(readFileSync(`${fakesDir}recorded/${name}.metadata.json`, 'utf8')) as Record<
    string,
    string
  >;
  const cache = JSON.parse(metadata['cache.manifest'] ?? '{}') as { digest?: string };
  return { image: metadata['containerimage.digest'] ?? '', cache: cache.digest ?? '' };
}

function tracePath(name: FixtureCase | RecordedCase): string {
  return (recordedCases as readonly string[]).includes(name)
    ? `${fakesDir}recorded/${name}.trace.jsonl`
    : fixturePath(name as FixtureCase, 'trace.jsonl');
}

/** Streams a recorded trace through the reader, as the engine does with a live one. */
export async function traceEvents(name: FixtureCase | RecordedCase): Promise<BuildEvent[]> {
  const events: BuildEvent[] = [];
  for await (const event of readSolveStatus(createReadStream(tracePath(name)))) events.push(event);
  return events;
}

export async function traceSummary(name: FixtureCase | RecordedCase) {
  const tracker = new ProgressTracker();
  for (const event of await traceEvents(name)) tracker.observe(event);
  return tracker.summary();
}

/** The recordings' registry is 127.0.0.1:5055 with cache refs under cache/shop/web/<uuid>:cache. */
export const R = '127.0.0.1:5055';

export function fixturePlan(
  buildUuid: string | null,
  fallbacks: string[] = [],
  config: Partial<CacheConfigInput> = {},
): CachePlan {
  return planCache({
    config: parseCacheConfig({ registry: R, insecure: true, ...config }),
    repository: 'cache/shop',
    service: 'web',
    buildUuid: testBuildUuid(buildUuid),
    fallbacks: testBuildUuids(fallbacks),
  });
}
