// The seed's incident replayed (issue 25): one pull-request workload, three arms on the same daemons and the
// same registry (emptied between arms), the registry garbage-collected on a schedule in every arm:
//   1. shared   — one `<service>:cache` ref read and written by every environment, raw buildctl argv;
//   2. per-uuid — a cache ref per environment, no fallback (the seed's fix), raw argv;
//   3. deployer — `deployer serve`, two replicas on Postgres, a pool of the daemons, signed webhooks.
// Options: --prs N (24) --pushes K (3) --services M (4) --daemons D (3) --per-daemon (2) --gc-every S (30)
// --prune-every S (3) --arms shared,per-uuid,deployer --seed (25) --json FILE (every record and figure). Needs root, buildkitd/buildctl/runc on
// PATH, docker-registry, busybox-static, postgresql and git (Debian packages). See bench/README.md.
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { execa } from 'execa';
import { appFiles, serviceNames, stepsPerService } from '../support/incident/app.mjs';
import { busyboxPath, pushBaseImage } from '../support/incident/base-image.mjs';
import { scanCacheRefs } from '../support/incident/cache-scan.mjs';
import { startDaemons } from '../support/incident/daemons.mjs';
import { armFigures, cacheBytesMoved, firstBuildWindows, percentile } from '../support/incident/figures.mjs';
import { runRawArm } from '../support/incident/raw-arm.mjs';
import { startBenchRegistry } from '../support/incident/registry.mjs';
import { leftoversOf, printReport } from '../support/incident/report.mjs';
import { makeWorkload } from '../support/incident/workload.mjs';

const { values: options } = parseArgs({
  options: {
    prs: { type: 'string', default: process.env.BENCH_PRS ?? '24' },
    pushes: { type: 'string', default: '3' },
    services: { type: 'string', default: '4' },
    daemons: { type: 'string', default: '3' },
    'per-daemon': { type: 'string', default: '2' },
    'gc-every': { type: 'string', default: '30' },
    'prune-every': { type: 'string', default: '3' },
    arms: { type: 'string', default: 'shared,per-uuid,deployer' },
    seed: { type: 'string', default: '25' },
    json: { type: 'string' },
  },
});
const number = (name) => {
  const value = Number(options[name]);
  if (!Number.isInteger(value) || value < 0) {
    console.error(`--${name} must be a whole number, got ${JSON.stringify(options[name])}`);
    process.exit(2);
  }
  return value;
};
const arms = options.arms.split(',');
for (const arm of arms) {
  if (!['shared', 'per-uuid', 'deployer'].includes(arm)) {
    console.error(`--arms: unknown arm ${JSON.stringify(arm)}; use shared, per-uuid, deployer`);
    process.exit(2);
  }
}

/** webhook → built and queue wait, p50 and p95, for pull requests' pushes and main's apart. */
function latencyOf(pushes) {
  const of = (selected) => {
    const latency = selected.map((push) => push.builtAt - push.webhookAt);
    const queue = selected.map((push) => push.queueWaitMs);
    return {
      count: selected.length,
      p50: percentile(latency, 50),
      p95: percentile(latency, 95),
      queueP50: percentile(queue, 50),
      queueP95: percentile(queue, 95),
    };
  };
  return {
    ...of(pushes.filter((push) => push.pr !== null)),
    main: of(pushes.filter((push) => push.pr === null)),
  };
}

const cpuList = cpus();
const machine =
  `${cpuList[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ` +
  `${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, load ${loadavg()
    .map((load) => load.toFixed(2))
    .join(' ')}`;
console.log(`machine: ${machine}`);

const missing = [];
if (process.getuid?.() !== 0) missing.push('root (buildkitd)');
for (const tool of ['buildkitd', 'buildctl', 'git']) {
  if ((await execa('sh', ['-c', `command -v ${tool}`], { reject: false })).exitCode !== 0) missing.push(tool);
}
if (busyboxPath === undefined) missing.push('busybox-static');
if (missing.length > 0) {
  console.log(
    `skipped: needs ${missing.join(', ')} (buildkitd and buildctl on PATH, e.g. ../shared/buildkit/build)`,
  );
  process.exit(0);
}

const services = serviceNames(number('services'));
const workload = makeWorkload({
  prs: number('prs'),
  pushes: number('pushes'),
  services,
  seed: number('seed'),
});
const count = (kind) => workload.events.filter((event) => event.kind === kind).length;
let open = 0;
let mostOpen = 0;
for (const event of workload.events) {
  open += event.kind === 'open' ? 1 : event.kind === 'close' ? -1 : 0;
  mostOpen = Math.max(mostOpen, open);
}
const pushes = workload.events.filter((event) => event.kind !== 'close').length;
console.log(
  `workload: ${count('open')} pull requests × ${number('pushes')} pushes, ${count('main')} pushes to main ` +
    `(${workload.events.filter((event) => event.kind === 'close' && event.merged).length} merges), up to ` +
    `${mostOpen} open at once, over ${(workload.durationMs / 1000).toFixed(0)} s; ${pushes * services.length} ` +
    `service builds per arm (${services.length} services × ${stepsPerService} steps); ` +
    `${number('daemons')} daemons × ${number('per-daemon')} builds, GC every ${number('gc-every')} s`,
);

const scratch = await mkdtemp(join(tmpdir(), 'deployer-bench-incident-'));
const registry = await startBenchRegistry(join(scratch, 'registry'));
const log = (line) => console.log(`  ${line}`);
const daemons = await startDaemons({
  dir: join(scratch, 'daemons'),
  count: number('daemons'),
  registryHost: registry.host,
  log,
});
const baseImage = `${registry.host}/incident/base:busybox`;
const results = [];
let broken = false;
try {
  for (const arm of arms) {
    console.log(`\n== arm ${arm}`);
    await rm(join(registry.storage, 'docker'), { recursive: true, force: true });
    await daemons.pruneAll();
    await pushBaseImage({ dir: join(scratch, 'base'), daemon: daemons.addresses[0], ref: baseImage });
    await daemons.pruneAll();
    await registry.accessLog.take();
    const gcBefore = { ...registry.collections };
    const crashesBefore = daemons.crashes.length;
    const corrupt = new Set();
    let collecting = Promise.resolve();
    const gcTimer = setInterval(() => {
      collecting = collecting.then(async () => {
        await registry.collectGarbage();
        for (const ref of (await scanCacheRefs(registry)).corrupt) corrupt.add(ref);
      });
    }, number('gc-every') * 1000);
    daemons.startJanitor(number('prune-every') * 1000);
    const armScratch = join(scratch, arm);
    let run;
    try {
      run =
        arm === 'deployer'
          ? await (await import('../support/incident/deployer-arm.mjs')).runDeployerArm({
              scratch: armScratch,
              registry,
              daemons,
              workload,
              services,
              perDaemon: number('per-daemon'),
              appFiles: (state) => appFiles({ services, state, baseImage, registryHost: registry.host }),
              log,
            })
          : await runRawArm({
              layout: arm,
              scratch: armScratch,
              registry,
              daemons,
              workload,
              services,
              baseImage,
              perDaemon: number('per-daemon'),
              log,
            });
    } finally {
      clearInterval(gcTimer);
      await collecting;
      await daemons.stopJanitor();
    }
    const traffic = await registry.accessLog.take();
    const storageEnd = await registry.storageBytes();
    const scan = await scanCacheRefs(registry);
    for (const ref of scan.corrupt) corrupt.add(ref);
    // Teardown happened at each close; deployer's arm also ran `deployer cache gc`. The registry's own
    // collector frees the disk of what was deleted.
    await registry.collectGarbage();
    const catalog = await registry.catalog();
    const figures = armFigures(run);
    results.push({
      arm,
      figures,
      run,
      traffic,
      storageEnd,
      storageAfter: await registry.storageBytes(),
      leftovers: leftoversOf(arm, catalog),
      corrupt: [...corrupt],
      crashes: daemons.crashes.slice(crashesBefore),
      cacheRefs: scan.refs.length,
      gc: Object.fromEntries(
        Object.entries(registry.collections).map(([key, value]) => [key, value - gcBefore[key]]),
      ),
      moved:
        arm === 'deployer'
          ? cacheBytesMoved(
              traffic.arrivals,
              firstBuildWindows(run.pushes),
              (repository) => /^incident\/cache\/[^/]+\/([^/]+)$/.exec(repository)?.[1] ?? null,
            )
          : null,
      latency: arm === 'deployer' ? latencyOf(run.pushes) : null,
    });
    console.log(
      `  ${figures.builds} builds in ${figures.minutes.toFixed(1)} min, ${figures.failedTotal} failed`,
    );
  }
} catch (error) {
  broken = true;
  console.error(`FAILED: ${error instanceof Error ? error.stack : error}`);
} finally {
  await daemons.stop();
  await registry.stop();
  await rm(scratch, { recursive: true, force: true });
}
if (options.json !== undefined) {
  const { writeFile } = await import('node:fs/promises');
  await writeFile(options.json, JSON.stringify({ machine, options, results }, null, 1));
}
if (results.length > 0) {
  const missed = printReport({ results, machine, workload: { services, prs: number('prs') } });
  if (missed.some((target) => target.correctness)) broken = true;
}
process.exitCode = broken ? 1 : 0;
