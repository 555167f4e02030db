// `deployer serve`'s footprint: resident memory once listening and after idling, and the time from start to
// listening, on the embedded database (PGlite in a state folder) and on Postgres.
//
// Starts the built `deployer serve` as an operator would (a server config with one repository, the webhook
// secret and API token in its environment, `--listen 127.0.0.1:0`), BENCH_RUNS times per arm, arms in turn:
// - embedded, first start: a new, empty state folder each run (the database is made, then migrated);
// - embedded, restart: the state folder a warm-up start made (a pod restart: the folder is kept);
// - Postgres, restart: a local Postgres (@deployer/local-postgres, Debian's `postgresql`), migrated by a
//   warm-up start.
// Each run: start → the "listening on" line, resident memory (VmRSS of the server and every process under
// it) then, /readyz must answer 200, BENCH_IDLE_SECONDS (5) idle, resident memory again, then the peak over
// the run (sampled every 50 ms, the process tree: the child that makes a new database counts), SIGTERM.
// BENCH_BASELINE_BIN=<another build's bin/deployer.cjs> runs that build as a second arm of each kind in the
// same loop, so both meet the same load. MB are MiB (2^20 bytes).
//
// Targets (the issue): idle ≤ 200 MB embedded and ≤ 120 MB on Postgres; a restart listening in ≤ 5 s
// embedded and ≤ 2 s on Postgres. Memory is judged by the worst run, time by the median (wall times on a
// shared machine vary). Printed, not enforced; it fails when a server does not start or is not ready.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startPostgres } from '@deployer/local-postgres';
import { startServeProcess } from '../support/serve-process.mjs';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const IDLE_MS = Number(process.env.BENCH_IDLE_SECONDS ?? 5) * 1000;
const here = dirname(fileURLToPath(import.meta.url));
const deployerBin = join(here, '..', '..', 'apps', 'deployer', 'bin', 'deployer.cjs');
const baselineBin = process.env.BENCH_BASELINE_BIN;
const TARGETS = {
  embedded: { idleMb: 200, restartMs: 5000 },
  postgres: { idleMb: 120, restartMs: 2000 },
};

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const mb = (value) => `${value.toFixed(0).padStart(4)} MB`;
const sec = (ms) => `${(ms / 1000).toFixed(2).padStart(5)} s`;
const range = (values, format) =>
  `${format(median(values))} (${format(Math.min(...values)).trim()}–${format(Math.max(...values)).trim()})`;

/** VmRSS of a process, in MB; 0 once it is gone. */
async function rssOf(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

/** The process and every process under it. */
async function treeOf(pid) {
  const pids = [pid];
  for (let index = 0; index < pids.length; index++) {
    const tasks = await readdir(`/proc/${pids[index]}/task`).catch(() => []);
    for (const task of tasks) {
      const children = await readFile(`/proc/${pids[index]}/task/${task}/children`, 'utf8').catch(() => '');
      pids.push(...children.split(' ').filter(Boolean).map(Number));
    }
  }
  return pids;
}

async function treeRss(pid) {
  let total = 0;
  for (const member of await treeOf(pid)) total += await rssOf(member);
  return total;
}

/** One start of `deployer serve`: its figures, after SIGTERM and exit. */
async function startServe({ bin, stateDir, databaseUrl, scratch }) {
  const config = join(scratch, 'server.yaml');
  await writeFile(
    config,
    JSON.stringify({
      repositories: [
        {
          name: 'acme/shop',
          spec: 'deploy/env.yaml',
          fallback: 'main',
          registry: { host: '127.0.0.1:5000', repository: 'preview' },
        },
      ],
    }),
  );
  const { DATABASE_URL: _unused, ...env } = process.env;
  const args = ['-c', config, '--listen', '127.0.0.1:0', '--replica', 'bench'];
  args.push('--state-dir', stateDir, '--work-dir', join(scratch, 'work'), '--drain-seconds', '0');
  if (databaseUrl !== undefined) args.push('--database-url', databaseUrl);
  const started = performance.now();
  const serve = startServeProcess({
    bin,
    args,
    env: {
      ...env,
      DEPLOYER_WEBHOOK_SECRET: 'bench-webhook-secret-0123456789',
      DEPLOYER_API_TOKEN: 'bench-api-token-0123456789',
    },
  });
  let peak = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      peak = Math.max(peak, await treeRss(serve.child.pid));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  try {
    const url = await serve.url;
    const listeningMs = performance.now() - started;
    const atListen = await treeRss(serve.child.pid);
    const ready = await fetch(`${url}/readyz`);
    if (ready.status !== 200)
      throw new Error(`/readyz answered ${ready.status}:\n${serve.output().slice(-2000)}`);
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = await treeRss(serve.child.pid);
    return { listeningMs, atListen, idle, peak: Math.max(peak, idle) };
  } finally {
    sampling = false;
    await sampler;
    await serve.stop();
  }
}

const cpuList = cpus();
console.log(
  `machine: ${cpuList[0]?.model ?? 'unknown CPU'}, ${availableParallelism()} cores, ` +
    `${(totalmem() / 2 ** 30).toFixed(1)} GiB memory, Node ${process.version}, ` +
    `load ${loadavg()
      .map((load) => load.toFixed(2))
      .join(' ')}`,
);
console.log(
  `${RUNS} run${RUNS === 1 ? '' : 's'} per arm, arms in turn; ${IDLE_MS / 1000} s idle before the second reading\n`,
);

const scratch = await mkdtemp(join(tmpdir(), 'deployer-serve-footprint-'));
const postgres = await startPostgres();
const problems = [];
try {
  const builds = [{ name: 'this build', bin: deployerBin }];
  if (baselineBin !== undefined) builds.push({ name: 'baseline', bin: baselineBin });
  const arms = [];
  for (const build of builds) {
    const dir = (name) => join(scratch, `${build.name.replace(/\W/g, '-')}-${name}`);
    // Warm-ups (not counted): a state folder to restart on, the Postgres schema, the launcher's code cache.
    await startServe({ bin: build.bin, stateDir: dir('state'), scratch });
    await startServe({ bin: build.bin, stateDir: dir('unused'), databaseUrl: postgres.url, scratch });
    let fresh = 0;
    arms.push(
      { build, kind: 'embedded', label: 'first start', options: () => ({ stateDir: dir(`new-${++fresh}`) }) },
      { build, kind: 'embedded', label: 'restart', options: () => ({ stateDir: dir('state') }) },
      {
        build,
        kind: 'postgres',
        label: 'restart',
        options: () => ({ stateDir: dir('unused'), databaseUrl: postgres.url }),
      },
    );
  }
  const results = new Map(arms.map((arm) => [arm, []]));
  for (let run = 0; run < RUNS; run++) {
    for (let turn = 0; turn < arms.length; turn++) {
      const arm = arms[(run + turn) % arms.length];
      results.get(arm).push(await startServe({ bin: arm.build.bin, scratch, ...arm.options() }));
    }
  }
  for (const arm of arms) {
    const runs = results.get(arm);
    const target = TARGETS[arm.kind];
    const idle = runs.map((run) => run.idle);
    const listening = runs.map((run) => run.listeningMs);
    const atListen = runs.map((run) => run.atListen);
    const peaks = runs.map((run) => run.peak);
    const worstIdle = Math.max(...idle);
    const timeMet = median(listening) <= target.restartMs;
    console.log(
      `${arm.kind} ${arm.label} (${arm.build.name}${arm.build.bin === deployerBin ? '' : `: ${arm.build.bin}`})`,
    );
    console.log(
      `  start → listening  ${range(listening, sec)}` +
        (arm.label === 'restart'
          ? `   target ≤ ${target.restartMs / 1000} s: ${timeMet ? 'met' : 'not met'}`
          : '   (once per state folder: the database is made)'),
    );
    console.log(`  RSS at listening   ${range(atListen, mb)}`);
    console.log(
      `  RSS idle ${IDLE_MS / 1000} s later ${range(idle, mb)}   target ≤ ${target.idleMb} MB: ${worstIdle <= target.idleMb ? 'met' : 'not met'}`,
    );
    console.log(`  peak RSS (tree)    ${range(peaks, mb)}\n`);
  }
} catch (error) {
  problems.push(error instanceof Error ? error.message : String(error));
} finally {
  await postgres.stop();
  await rm(scratch, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`\nFAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
}
