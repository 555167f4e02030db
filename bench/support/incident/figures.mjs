// One arm's figures from its build records, the registry's access log and scans. The same definitions for
// every arm; the deployer-only figures come from what the deployer arm measured.
import { stepsChangedBySourcePush, stepsPerService } from './app.mjs';
import { failureClass, failureClasses } from './failures.mjs';

export const mib = (bytes) => bytes / 2 ** 20;

export function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function sumSteps(records) {
  const sum = { total: 0, cached: 0, shared: 0 };
  for (const record of records) for (const key of Object.keys(sum)) sum[key] += record.steps[key];
  return sum;
}

/**
 * Steps cached on pull requests' first builds, two ways: of all their steps, and of the steps a cache of the
 * default branch can answer (a new pull request changes one service's sources, whose three steps no cache
 * holds). Shared steps (run once by BuildKit for several builds at once) count on neither side.
 */
function firstBuildSteps(records, skippedOnFirst) {
  const firsts = records.filter((record) => record.ok && record.first && record.pr !== null);
  const steps = sumSteps(firsts);
  // A service deployer skipped (its image, same content as main's, already there) built nothing: every
  // one of its steps was answered without building, so it counts as all cached.
  steps.total += skippedOnFirst * stepsPerService;
  steps.cached += skippedOnFirst * stepsPerService;
  const changed = new Set(firsts.map((record) => record.pr)).size * stepsChangedBySourcePush;
  const answered = steps.total - steps.shared;
  return {
    ...steps,
    ratio: ratio(steps.cached, answered),
    ofCacheable: ratio(steps.cached, answered - changed),
  };
}

const ratio = (part, whole) => (whole > 0 ? part / whole : null);

/**
 * Bytes of the fallback's cache (as it was when the build started) that new environments' own cache
 * repositories received by upload on their first build (a copy where a mount would do), over all the bytes
 * those repositories received then.
 * `windows` maps an environment to its first build's [webhook, built] times; `environmentOf(repository)`
 * names the environment a cache repository belongs to (`main` for the fallback's, null for others). A blob
 * the build made itself (its changed steps' layers) is new content, not the fallback's, so not counted as
 * moved: BuildKit uploads those once for the image and once more for the cache export.
 */
export function cacheBytesMoved(arrivals, windows, environmentOf) {
  // When each blob first reached the fallback's cache: only what it held as the build started counts (a
  // layer main's concurrent build made at the same moment is new content for both).
  const fallbackSince = new Map();
  let moved = 0;
  let total = 0;
  for (const arrival of arrivals) {
    const environment = environmentOf(arrival.repository);
    if (environment === 'main' && !fallbackSince.has(arrival.digest))
      fallbackSince.set(arrival.digest, arrival.at);
    const window = windows.get(environment);
    if (window !== undefined && arrival.at >= window[0] && arrival.at <= window[1] + 1000) {
      total += arrival.bytes;
      if (arrival.how === 'upload' && fallbackSince.get(arrival.digest) < window[0]) moved += arrival.bytes;
    }
  }
  return { moved, total, ratio: ratio(moved, total) };
}

/** Each pull request environment's first build: environment → [webhook sent, built]. */
export function firstBuildWindows(pushes) {
  const windows = new Map();
  for (const push of [...pushes].sort((a, b) => a.seq - b.seq)) {
    if (push.pr === null || windows.has(push.environment)) continue;
    windows.set(push.environment, [push.webhookAt, push.builtAt]);
  }
  return windows;
}

/** Services skipped on pull requests' first builds (deployer's pushes say `svc:skipped`). */
function skippedOnFirstBuilds(pushes = []) {
  const earliest = new Map();
  for (const push of pushes) {
    if (push.pr === null || push.pr === undefined) continue;
    if (!earliest.has(push.pr) || push.seq < earliest.get(push.pr).seq) earliest.set(push.pr, push);
  }
  let skipped = 0;
  for (const push of earliest.values()) {
    skipped += (push.services ?? []).filter((entry) => entry.endsWith(':skipped')).length;
  }
  return skipped;
}

export function armFigures({ builds, pushes, superseded = 0, startedAt, endedAt }) {
  const failed = Object.fromEntries(failureClasses.map((name) => [name, 0]));
  for (const record of builds) if (!record.ok) failed[failureClass(record.error ?? '')] += 1;
  const all = sumSteps(builds.filter((record) => record.ok));
  return {
    builds: builds.length,
    failedTotal: builds.filter((record) => !record.ok).length,
    failed,
    first: firstBuildSteps(builds, skippedOnFirstBuilds(pushes)),
    all: { ...all, ratio: ratio(all.cached, all.total - all.shared) },
    buildsPerMinute: builds.length / ((endedAt - startedAt) / 60_000),
    // Pushes whose environment build ran to the end (raw arms build every push; deployer drops superseded).
    pushesBuilt: pushes?.length ?? new Set(builds.map((record) => record.seq)).size,
    superseded,
    skipped: (pushes ?? []).reduce(
      (sum, push) => sum + (push.services ?? []).filter((entry) => entry.endsWith(':skipped')).length,
      0,
    ),
    minutes: (endedAt - startedAt) / 60_000,
  };
}
