// A new environment warm for the price of a manifest: the blob bytes a new environment's first fully
// cached BuildKit build moves, with and without seeding its own cache ref from its fallback's inside the
// registry (cross-repository mounts), and its wall time against a warm rebuild of the same environment.
//
// Every byte goes through a counting proxy on loopback in front of a local docker-registry; BuildKit
// reaches it over plain HTTP through `registry.insecure=true`, which the runner sets for insecure
// registries. The service: FROM scratch, five COPY steps (48 MB and 16 MB of random data, three small
// files). The daemon is pruned before every build, so every cache hit comes from the registry.
// Without BUILDKIT_HOST only the registry part runs (seeding a 64 MB cache: bytes moved, requests).
//
// Environment: BUILDKIT_HOST (a dedicated daemon: this bench prunes it), BENCH_REPEATS (default 5),
// BENCH_BIG_MB (48), BENCH_MEDIUM_MB (16).
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEnvironment, loadEnvironment, planEnvironment, Supersession } from '@deployer/deploy';
import { createEngine } from '@deployer/engines';
import { startLocalRegistry } from '@deployer/local-registry';
import { MediaTypes, RegistryClient } from '@deployer/registry';
import { createRegistryPort } from '@deployer/registry-cache';
import { execa } from 'execa';
import { startCountingProxy } from '../support/counting-proxy.mjs';

const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);
const BIG = Number(process.env.BENCH_BIG_MB ?? 48) * 1024 * 1024;
const MEDIUM = Number(process.env.BENCH_MEDIUM_MB ?? 16) * 1024 * 1024;
const BYTES_TARGET = 0.01; // of the cache's size
const WALL_TARGET = 1.15; // × a warm rebuild

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(2)} MiB`;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const moved = (counts) => counts.uploadedBytes + counts.downloadedBytes;
let failed = false;
const check = (label, ok, figure, target) => {
  process.stdout.write(`${ok ? 'ok  ' : 'FAIL'} ${label}: ${figure} (target ${target})\n`);
  if (!ok) failed = true;
};

const registry = await startLocalRegistry();
const proxy = await startCountingProxy(registry.host);
const scratch = await mkdtemp(join(tmpdir(), 'deployer-bench-seed-'));
try {
  await registryOnly();
  if (process.env.BUILDKIT_HOST) await withBuildkit(process.env.BUILDKIT_HOST);
  else process.stdout.write('skipping the BuildKit builds: BUILDKIT_HOST is not set\n');
} finally {
  await proxy.close();
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}
process.exitCode = failed ? 1 : 0;

/** Seeding alone, through the registry port: a BuildKit-shaped 64 MB cache into a new repository. */
async function registryOnly() {
  const direct = new RegistryClient({ host: registry.host, credentials: 'anonymous' });
  const from = 'bench/cache/web/main';
  const layers = [];
  for (const size of [BIG, MEDIUM, 4096, 4096, 4096]) {
    const blob = await direct.uploadBlob(from, randomBytes(size));
    layers.push({ mediaType: MediaTypes.ociLayerGzip, digest: blob.digest, size: blob.size });
  }
  const config = await direct.uploadBlob(from, Buffer.from(JSON.stringify({ layers: [], records: [] })));
  const manifests = [
    ...layers,
    { mediaType: MediaTypes.buildkitCacheConfig, digest: config.digest, size: config.size },
  ];
  await direct.putManifest(from, 'cache', { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests });
  const cacheBytes = manifests.reduce((sum, blob) => sum + blob.size, 0);

  const port = createRegistryPort({ clientOptions: { credentials: 'anonymous' } });
  proxy.take();
  const started = performance.now();
  const result = await port.seedCacheRef(
    `${proxy.host}/${from}:cache`,
    `${proxy.host}/bench/cache/web/pr-1:cache`,
  );
  const ms = performance.now() - started;
  const counts = proxy.take();
  process.stdout.write(
    `registry only: seeded ${result.status}, ${result.blobs} blobs (${mb(cacheBytes)}) in ${ms.toFixed(0)} ms, ` +
      `${counts.requests} requests (${counts.mounts} mounts), ${mb(moved(counts))} of blobs moved\n`,
  );
  check(
    'registry only: blob bytes moved by seeding',
    moved(counts) <= cacheBytes * BYTES_TARGET,
    mb(moved(counts)),
    `≤ ${mb(cacheBytes * BYTES_TARGET)}`,
  );
}

/** The same new environment's first build with and without seeding, and a warm rebuild, on a real daemon. */
async function withBuildkit(buildkitHost) {
  const context = join(scratch, 'app');
  await mkdir(context, { recursive: true });
  const files = [
    ['big', BIG],
    ['medium', MEDIUM],
    ['small-1', 8192],
    ['small-2', 8192],
    ['small-3', 8192],
  ];
  for (const [name, size] of files) await writeFile(join(context, name), randomBytes(size));
  await writeFile(
    join(context, 'Dockerfile'),
    `FROM scratch\n${files.map(([name]) => `COPY ${name} /${name}`).join('\n')}\n`,
  );
  const spec = join(scratch, 'env.yaml');
  // The proxy is the registry as far as deployer and BuildKit know: plain HTTP, insecure.
  await writeFile(
    spec,
    `registry: { host: ${proxy.host}, repository: shop, insecure: true }\nservices:\n  app: { context: app }\n`,
  );
  const environment = await loadEnvironment(spec);
  const engine = await createEngine('buildkit', { buildkitHost, env: process.env });
  const trace = [];
  const port = createRegistryPort({
    insecureRegistries: [proxy.host],
    clientOptions: {
      credentials: 'anonymous',
      onRequest: process.env.BENCH_TRACE ? (event) => trace.push(event) : undefined,
    },
  });
  // The same port with seeding switched off: what every build did before seeding existed.
  const unseeded = {
    ...port,
    seedCacheRef: async () => ({
      status: 'none',
      refusal: 'mount-refused',
      message: 'switched off',
      blobs: 0,
      bytes: 0,
    }),
  };
  const buildctl = process.env.BUILDCTL ?? 'buildctl';

  async function build(buildUuid, fallbacks, registryPort) {
    await execa(buildctl, ['--addr', buildkitHost, 'prune', '--all']);
    // The previous build's writes flushed first, so they do not slow this one's measured window.
    await execa('sync');
    const plan = await planEnvironment(environment, {
      buildUuid,
      fallbacks,
      force: true,
      registry: registryPort,
    });
    proxy.take();
    const started = performance.now();
    let seededAt = null;
    const report = await buildEnvironment(plan, {
      engine,
      registry: registryPort,
      supersession: new Supersession(),
      onEvent: ({ event }) => {
        if (event.type === 'seeded') seededAt = performance.now();
      },
    });
    const ms = performance.now() - started;
    const counts = proxy.take();
    if (process.env.BENCH_TRACE) {
      for (const e of trace)
        process.stdout.write(
          `  ${e.method} ${e.operation} ${e.status} ${e.durationMs}ms ${e.url.slice(-60)}\n`,
        );
      trace.length = 0;
    }
    const app = report.services[0];
    if (!report.ok || app.status !== 'built')
      throw new Error(`${buildUuid}: ${app.status} ${app.reason ?? ''}`);
    return { ms, counts, app, seedMs: seededAt === null ? 0 : seededAt - started };
  }

  const run = randomBytes(3).toString('hex');
  const main = `main-${run}`;
  await build(main, [], port);
  const direct = new RegistryClient({ host: registry.host, credentials: 'anonymous' });
  const index = (await direct.getManifest(`shop/cache/app/${main}`, 'cache')).manifest;
  const cacheBytes = index.manifests.reduce((sum, blob) => sum + blob.size, 0);
  process.stdout.write(`main's cache: ${index.manifests.length} blobs, ${mb(cacheBytes)}\n`);

  const rows = { without: [], with: [], warm: [] };
  for (let repeat = 0; repeat < REPEATS; repeat++) {
    const uuid = `seeded-${repeat}-${run}`;
    rows.with.push(await build(uuid, [main], port));
    rows.warm.push(await build(uuid, [main], port));
    rows.without.push(await build(`plain-${repeat}-${run}`, [main], unseeded));
  }
  for (const [name, results] of Object.entries(rows)) {
    const last = results.at(-1);
    process.stdout.write(
      `${name.padEnd(8)} wall ${median(results.map((r) => r.ms))
        .toFixed(0)
        .padStart(6)} ms (median of ${results.length}), ` +
        `blobs moved ${mb(median(results.map((r) => moved(r.counts))))} ` +
        `(up ${mb(last.counts.uploadedBytes)}, down ${mb(last.counts.downloadedBytes)}, ${last.counts.mounts} mounts), ` +
        `${last.app.steps.cached}/${last.app.steps.total} cached, seeding ${last.app.seeding?.status ?? '-'}` +
        `${last.seedMs > 0 ? ` (done ${median(results.map((r) => r.seedMs)).toFixed(0)} ms after the start)` : ''}\n`,
    );
  }
  const allCached = [...rows.without, ...rows.with, ...rows.warm].every(
    (r) => r.app.steps.cached === r.app.steps.total,
  );
  check('every build fully cached', allCached, allCached ? 'yes' : 'no', 'all steps');
  check(
    'seeding mounted',
    rows.with.every((r) => r.app.seeding?.status === 'mounted'),
    rows.with.map((r) => r.app.seeding?.status).join(', '),
    'mounted',
  );
  const seededBytes = median(rows.with.map((r) => moved(r.counts)));
  check(
    'blob bytes moved by a new environment’s first build, seeded',
    seededBytes <= cacheBytes * BYTES_TARGET,
    `${mb(seededBytes)} = ${((100 * seededBytes) / cacheBytes).toFixed(2)} % of the cache (unseeded: ${mb(median(rows.without.map((r) => moved(r.counts))))})`,
    `≤ ${BYTES_TARGET * 100} % of ${mb(cacheBytes)}`,
  );
  const ratio = median(rows.with.map((r) => r.ms)) / median(rows.warm.map((r) => r.ms));
  const unseededRatio = median(rows.without.map((r) => r.ms)) / median(rows.warm.map((r) => r.ms));
  check(
    'wall of a new environment’s first build, seeded, against a warm rebuild',
    ratio <= WALL_TARGET,
    `${ratio.toFixed(2)}× (unseeded: ${unseededRatio.toFixed(2)}×)`,
    `≤ ${WALL_TARGET}×`,
  );
}
