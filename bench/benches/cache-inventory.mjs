// Cache inventory and cleanup at scale against a real local registry (Debian's docker-registry).
//
// Creates ENVS environments × SERVICES services of BuildKit-shaped cache refs (even environments use the
// path strategy, odd ones the tag strategy), inventories one service at half and at full size to check
// that requests grow linearly with the number of refs, then deletes all of that service's refs with
// bounded concurrency. Prints requests, wall time and peak RSS.
//
// Environment: BENCH_ENVS (default 200), BENCH_SERVICES (10), BENCH_CONCURRENCY (8).
import { randomBytes } from 'node:crypto';
import { cacheLocation } from '@deployer/cache-ref';
import { startLocalRegistry } from '@deployer/local-registry';
import { MediaTypes, mapLimit, RegistryClient } from '@deployer/registry';
import { deleteCacheRefs, listCacheRefs } from '@deployer/registry-cache';

const ENVS = Number(process.env.BENCH_ENVS ?? 200);
const SERVICES = Number(process.env.BENCH_SERVICES ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 8);
const REPOSITORY = 'bench-app';
const MEASURED = 'svc-0';

const registry = await startLocalRegistry();
const counts = new Map();
const client = new RegistryClient({
  host: registry.host,
  credentials: 'anonymous',
  onRequest: (event) => counts.set(event.operation, (counts.get(event.operation) ?? 0) + 1),
});
const totalRequests = () => [...counts.values()].reduce((a, b) => a + b, 0);

/** Requests and wall time of `fn`, by operation. */
async function measure(fn) {
  globalThis.gc?.();
  counts.clear();
  const started = performance.now();
  const result = await fn();
  return {
    result,
    ms: performance.now() - started,
    requests: totalRequests(),
    byOperation: Object.fromEntries(counts),
  };
}

const uuid = (env) => `env-${String(env).padStart(4, '0')}-${env * 7919}`;
const strategyOf = (env) => (env % 2 === 0 ? 'path' : 'tag');

// Blobs every cache index references: one layer and one cache config, uploaded once and mounted.
const seedRepository = `${REPOSITORY}/seed`;
const layer = await client.uploadBlob(seedRepository, randomBytes(64 * 1024));
const cacheConfig = await client.uploadBlob(seedRepository, Buffer.from('{"layers":[],"records":[]}'));
// Tag-strategy refs all live in REPOSITORY: link the blobs there once, not once per ref.
for (const blob of [layer, cacheConfig]) await client.mountBlob(REPOSITORY, blob.digest, seedRepository);

async function exportCache(env, service) {
  const location = cacheLocation({
    registry: registry.host,
    repository: REPOSITORY,
    service,
    buildUuid: uuid(env),
    strategy: strategyOf(env),
  });
  if (location.repository !== REPOSITORY) {
    for (const blob of [layer, cacheConfig]) {
      if (!(await client.mountBlob(location.repository, blob.digest, seedRepository)))
        throw new Error('mount failed');
    }
  }
  // The timestamp makes every index (and so every digest) unique, as real exports are.
  const createdAt = new Date(Date.UTC(2024, 0, 1) + env * 60_000).toISOString();
  await client.putManifest(location.repository, location.tag, {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [
      {
        mediaType: MediaTypes.ociLayerGzip,
        digest: layer.digest,
        size: layer.size,
        annotations: { 'buildkit/createdat': createdAt, 'bench/ref': `${service}/${env}` },
      },
      { mediaType: MediaTypes.buildkitCacheConfig, digest: cacheConfig.digest, size: cacheConfig.size },
    ],
  });
}

async function createEnvironments(from, to) {
  const jobs = [];
  for (let env = from; env < to; env++) for (let s = 0; s < SERVICES; s++) jobs.push([env, `svc-${s}`]);
  await mapLimit(jobs, 16, ([env, service]) => exportCache(env, service));
  return jobs.length;
}

const inventory = () =>
  listCacheRefs(client, { repository: REPOSITORY, service: MEASURED, concurrency: CONCURRENCY });

const wallStart = performance.now();
const half = Math.floor(ENVS / 2);
const setupA = await measure(() => createEnvironments(0, half));
const small = await measure(inventory);
const setupB = await measure(() => createEnvironments(half, ENVS));
const large = await measure(inventory);
const deletion = await measure(() => deleteCacheRefs(client, large.result, { concurrency: CONCURRENCY }));
const after = await measure(inventory);
await registry.stop();

const perRef = (m) => (m.requests / m.result.length).toFixed(2);
const row = (label, m, refs) =>
  `${label.padEnd(34)} ${String(refs).padStart(6)} ${String(m.requests).padStart(9)} ${(m.ms / 1000).toFixed(2).padStart(9)}`;
console.log(
  `registry ${registry.host}: ${ENVS} environments × ${SERVICES} services, concurrency ${CONCURRENCY}\n`,
);
console.log(`${'phase'.padEnd(34)} ${'refs'.padStart(6)} ${'requests'.padStart(9)} ${'wall s'.padStart(9)}`);
console.log(row(`create refs (envs 0..${half - 1})`, setupA, setupA.result));
console.log(row(`inventory ${MEASURED} at ${half} envs`, small, small.result.length));
console.log(row(`create refs (envs ${half}..${ENVS - 1})`, setupB, setupB.result));
console.log(row(`inventory ${MEASURED} at ${ENVS} envs`, large, large.result.length));
console.log(row(`delete all ${MEASURED} refs`, deletion, deletion.result.deleted.length));
console.log(row(`inventory ${MEASURED} after delete`, after, after.result.length));
console.log(`\ninventory requests by operation at ${ENVS} envs: ${JSON.stringify(large.byOperation)}`);
console.log(`delete requests by operation: ${JSON.stringify(deletion.byOperation)}`);

const refRatio = large.result.length / small.result.length;
const requestRatio = large.requests / small.requests;
console.log(
  `\nrequests per ref: ${perRef(small)} at ${small.result.length} refs, ${perRef(large)} at ${large.result.length} refs`,
);
console.log(
  `growth: refs ×${refRatio.toFixed(2)}, requests ×${requestRatio.toFixed(2)} (linear when these match)`,
);
console.log(`wall time: ${((performance.now() - wallStart) / 1000).toFixed(1)} s`);
console.log(`peak RSS: ${(process.resourceUsage().maxRSS / 1024).toFixed(1)} MiB`);

const problems = [];
if (large.result.length !== ENVS)
  problems.push(`expected ${ENVS} refs of ${MEASURED}, found ${large.result.length}`);
if (Math.abs(requestRatio - refRatio) / refRatio > 0.1)
  problems.push('inventory requests do not grow linearly with refs');
if (deletion.result.failed.length > 0) problems.push(`${deletion.result.failed.length} deletes failed`);
if (deletion.requests !== deletion.result.deleted.length) problems.push('more than one request per delete');
if (after.result.length !== 0) problems.push(`${after.result.length} refs left after delete`);
if (problems.length > 0) {
  console.error(`\nFAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
}
