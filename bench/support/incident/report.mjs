// The comparison table (printed as markdown, ready for bench/README.md) and deployer's targets.
import { failureClasses } from './failures.mjs';
import { mib } from './figures.mjs';

/**
 * What the registry still holds after the teardowns and the collections that are not the fallback's
 * (`main`'s): for deployer, every tag but `main`, `main.<content>` and a content tag main's ownership tag
 * names, outside main's own cache repositories; for the raw arms, every tag but main's image and cache.
 */
export function leftoversOf(arm, catalog) {
  const left = [];
  for (const { repository, tags } of catalog) {
    if (repository === 'incident/base') continue;
    if (arm === 'deployer' && /^incident\/cache\/[^/]+\/main$/.test(repository)) continue;
    for (const tag of tags) {
      const mains =
        arm === 'deployer'
          ? tag === 'main' || tag.startsWith('main.') || tags.includes(`main.${tag}`)
          : tag === 'main' || tag === 'cache' || tag === 'cache-main';
      if (!mains) left.push(`${repository}:${tag}`);
    }
  }
  return left;
}

const percent = (value) => (value === null || value === undefined ? '—' : `${(value * 100).toFixed(1)} %`);
const seconds = (ms) => (ms === null || ms === undefined ? '—' : `${(ms / 1000).toFixed(1)} s`);
const megabytes = (bytes) => `${mib(bytes).toFixed(1)} MiB`;

export function printReport({ results, machine }) {
  const deployer = results.find((result) => result.arm === 'deployer');
  const rows = [];
  const row = (label, value, target = '') => rows.push([label, ...results.map(value), target]);
  row('service builds (per minute)', (r) => `${r.figures.builds} (${r.figures.buildsPerMinute.toFixed(1)})`);
  row(
    'pushes built (superseded by a newer push)',
    (r) => `${r.figures.pushesBuilt} (${r.figures.superseded})`,
  );
  row('services skipped, image already there', (r) => String(r.figures.skipped));
  row('failed builds', (r) => String(r.figures.failedTotal), '0');
  for (const name of failureClasses) row(`— ${name}`, (r) => String(r.figures.failed[name]));
  row('corrupt cache refs found (cache refs at the end)', (r) => `${r.corrupt.length} (${r.cacheRefs})`);
  row(
    'pull requests’ first builds: steps cached',
    (r) =>
      `${percent(r.figures.first.ratio)} (${r.figures.first.cached}/${r.figures.first.total - r.figures.first.shared})`,
  );
  row('— of the steps unchanged from main', (r) => percent(r.figures.first.ofCacheable), '≥ 95 %');
  row('all builds: steps cached', (r) => percent(r.figures.all.ratio));
  row(
    'blob bytes up / down (mounts)',
    (r) =>
      `${megabytes(r.traffic.uploadedBytes)} / ${megabytes(r.traffic.downloadedBytes)} (${r.traffic.mounts})`,
  );
  row(
    'fallback cache bytes new environments copied, not mounted',
    (r) => (r.moved ? `${percent(r.moved.ratio)} of ${megabytes(r.moved.total)}` : '—'),
    '≤ 1 %',
  );
  row('registry 5xx answers', (r) => String(r.traffic.serverErrors));
  row('daemon deaths (restarted)', (r) => String(r.crashes.length));
  row('storage at the end', (r) => megabytes(r.storageEnd));
  row('storage after teardown + cache gc + registry GC', (r) => megabytes(r.storageAfter));
  row('tags left that are not main’s', (r) => String(r.leftovers.length), '0 (deployer)');
  row(
    'registry GC runs (skipped: no quiet moment; blobs deleted; writes held)',
    (r) => `${r.gc.runs} (${r.gc.skipped}; ${r.gc.blobsDeleted}; ${r.gc.heldWrites})`,
  );
  if (deployer) {
    const warm = deployer.run.warmBuildMs;
    row(
      'pull requests: webhook → built p50 / p95',
      (r) => (r.latency ? `${seconds(r.latency.p50)} / ${seconds(r.latency.p95)}` : '—'),
      `p95 ≤ 1.5 × ${seconds(warm)} (a warm build) = ${seconds(warm * 1.5)}`,
    );
    row('main: webhook → built p50 / p95', (r) =>
      r.latency ? `${seconds(r.latency.main.p50)} / ${seconds(r.latency.main.p95)}` : '—',
    );
    row('queue wait p50 / p95 (pull requests; main)', (r) =>
      r.latency
        ? `${seconds(r.latency.queueP50)} / ${seconds(r.latency.queueP95)}; ${seconds(r.latency.main.queueP50)} / ${seconds(r.latency.main.queueP95)}`
        : '—',
    );
    row('server peak RSS (replica A / B)', (r) =>
      r.run.peakRssBytes
        ? `${megabytes(r.run.peakRssBytes.replicaA)} / ${megabytes(r.run.peakRssBytes.replicaB)}`
        : '—',
    );
  }
  console.log(`\nmachine: ${machine}\n`);
  console.log(`| figure | ${results.map((r) => r.arm).join(' | ')} | target (deployer) |`);
  console.log(`| --- | ${results.map(() => '---').join(' | ')} | --- |`);
  for (const cells of rows) console.log(`| ${cells.join(' | ')} |`);

  const missed = [];
  if (deployer) {
    const check = (name, met, by, correctness = false) => {
      console.log(`deployer: ${name}: ${met ? 'met' : `missed${by ? ` (${by})` : ''}`}`);
      if (!met) missed.push({ name, correctness });
    };
    const f = deployer.figures;
    check('0 failed builds', f.failedTotal === 0, `${f.failedTotal} failed`, true);
    check(
      '≥ 95 % of unchanged steps cached on first builds',
      (f.first.ofCacheable ?? 0) >= 0.95,
      percent(f.first.ofCacheable),
    );
    check('≤ 1 % of cache bytes moved', (deployer.moved?.ratio ?? 0) <= 0.01, percent(deployer.moved?.ratio));
    check(
      'only the fallback’s caches and images left',
      deployer.leftovers.length === 0,
      deployer.leftovers.slice(0, 5).join(', '),
      true,
    );
    const p95 = deployer.latency?.p95 ?? Number.POSITIVE_INFINITY;
    const limit = 1.5 * deployer.run.warmBuildMs;
    check(
      'webhook → built p95 ≤ 1.5 × a warm build',
      p95 <= limit,
      `${(p95 / deployer.run.warmBuildMs).toFixed(2)} × the warm build`,
    );
    if (deployer.leftovers.length > 0) console.log(`left: ${deployer.leftovers.join(', ')}`);
  }
  for (const result of results) {
    for (const cause of new Set(result.crashes.map((crash) => crash.cause))) {
      console.log(`${result.arm}: daemons died of: ${cause}`);
    }
    if (result.corrupt.length > 0)
      console.log(`${result.arm}: corrupt cache refs: ${result.corrupt.join(', ')}`);
  }
  return missed;
}
