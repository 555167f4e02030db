// deployer's own cost around a build: what it adds to the engine it runs.
//
// (a) `deployer --help` against `node -e 0` (Node's own start), median wall time of BENCH_HELP_RUNS runs.
// (b) With BUILDKIT_HOST set: a fully cached one-service `deployer build --force` (same build uuid every
//     time) against the engine argv `deployer plan --json` gives for that service (`engineArgv`, its
//     `<temp>` placeholders replaced by a real temp dir), run directly, alternating, BENCH_RUNS times each;
//     deployer's overhead is the difference of the medians. Like with like: a plan shows the run tag its
//     cache export goes to as a stand-in (`…--run-000000000-<hash>`, plannedRun), and deployer exports
//     to a fresh run tag every run (one writer per ref); so each raw run gets a fresh run tag too, named
//     as deployer names one (cache-ref's runExportTag: its start time and a random run id), rather than
//     re-exporting to the tag its previous run left, which the engine finishes faster. The images and caches go to a local registry
//     (@deployer/local-registry, loopback, plain HTTP), which a BuildKit daemon on this machine reaches
//     (`registry.insecure=true` per ref). Without BUILDKIT_HOST this part says so and is skipped.
//
// Also the median CPU time of deployer's own Node process in those builds (support/cpu-usage.cjs, preloaded with --require; the
// engine's process not counted): steadier than wall time when the machine is loaded.
//
// Fails when a run fails or the measured build is not fully cached; the figures are printed beside the
// targets (overhead ≤ 120 ms), not enforced: wall times on a shared machine vary too much to gate on.

import { randomUUID } from 'node:crypto';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runExportTag } from '@deployer/cache-ref';
import { plannedRun } from '@deployer/deploy';
import { startLocalRegistry } from '@deployer/local-registry';
import { execa } from 'execa';

const HELP_RUNS = Number(process.env.BENCH_HELP_RUNS ?? 20);
const RUNS = Number(process.env.BENCH_RUNS ?? 20);
const TARGET_OVERHEAD_MS = 120;
const here = dirname(fileURLToPath(import.meta.url));
const deployerBin = join(here, '..', '..', 'apps', 'deployer', 'bin', 'deployer.cjs');
// BENCH_BASELINE_BIN: another build's bin/deployer.cjs (e.g. a copy of an earlier one, with its dist/ and a
// node_modules beside it), run in the same loop as a third arm, so the two builds meet the same load.
const baselineBin = process.env.BENCH_BASELINE_BIN;
const cpuUsage = join(here, '..', 'support', 'cpu-usage.cjs');

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(0).padStart(6)} ms`;

/** Wall time of one process run, in ms; throws (with its output) when it fails. */
async function timed(file, args, options = {}) {
  const started = performance.now();
  const result = await execa(file, args, { reject: false, ...options });
  const elapsed = performance.now() - started;
  if (result.exitCode !== 0) {
    throw new Error(
      `${file} ${args.join(' ')} exited ${result.exitCode}:\n${result.stderr || result.stdout}`,
    );
  }
  return { elapsed, result };
}

const problems = [];

// (a) --help against Node's own start.
const nodeStart = [];
const help = [];
for (let run = 0; run < HELP_RUNS; run++) {
  nodeStart.push((await timed(process.execPath, ['-e', '0'])).elapsed);
  help.push((await timed(process.execPath, [deployerBin, '--help'])).elapsed);
}
console.log(`(a) median of ${HELP_RUNS} runs`);
console.log(`    node -e 0          ${ms(median(nodeStart))}`);
// Node before 23 reads and parses NODE_EXTRA_CA_CERTS at every start, before any of deployer runs: part of
// deployer's cost on such a machine, as of every Node program's; shown so the figures below can be read.
if (process.env.NODE_EXTRA_CA_CERTS) {
  const { NODE_EXTRA_CA_CERTS: _certificates, ...withoutCertificates } = process.env;
  const bare = [];
  for (let run = 0; run < HELP_RUNS; run++) {
    const options = { env: withoutCertificates, extendEnv: false };
    bare.push((await timed(process.execPath, ['-e', '0'], options)).elapsed);
  }
  console.log(
    `    node -e 0          ${ms(median(bare))}   without NODE_EXTRA_CA_CERTS (set here: ${process.version} loads it at start)`,
  );
}
console.log(`    deployer --help    ${ms(median(help))}`);
console.log(`    difference         ${ms(median(help) - median(nodeStart))}`);

// (b) a fully cached build against its engine's own command line.
if (!process.env.BUILDKIT_HOST) {
  console.log('\n(b) skipped: BUILDKIT_HOST is not set (a BuildKit daemon is needed for the build part)');
} else {
  const registry = await startLocalRegistry();
  const scratch = await mkdtemp(join(tmpdir(), 'deployer-overhead-bench-'));
  try {
    await mkdir(join(scratch, 'app'));
    await writeFile(join(scratch, 'app', 'Dockerfile'), 'FROM scratch\nCOPY hello.txt /hello.txt\n');
    await writeFile(join(scratch, 'app', 'hello.txt'), 'hello from the overhead bench\n');
    const spec = join(scratch, 'env.yaml');
    await writeFile(
      spec,
      [
        `registry: { host: ${registry.host}, repository: bench, insecure: true }`,
        'cache: { repository: bench/cache, strategy: path }',
        'fallbacks: []',
        'services:',
        '  app: { context: app }',
        '',
      ].join('\n'),
    );
    const env = { NO_COLOR: '1', DEPLOYER_ENGINE: 'buildkit' };
    const buildArgs = [deployerBin, 'build', '-f', spec, '--uuid', 'overhead-bench', '--force'];
    // Twice: the first fills the environment's cache ref, the second must read it back (from loopback,
    // over plain HTTP) and find every step cached.
    await timed(process.execPath, buildArgs, { env });
    const warm = await timed(process.execPath, [...buildArgs, '--json'], { env });
    const steps = JSON.parse(warm.result.stdout).services[0].steps;
    console.log(
      `\n(b) warm-up: ${steps.cached} of ${steps.total} steps cached, imported from ${registry.host} over HTTP`,
    );
    if (steps.cached !== steps.total) problems.push('the warm build was not fully cached');

    const plan = await timed(
      process.execPath,
      [deployerBin, 'plan', '-f', spec, '--uuid', 'overhead-bench', '--force', '--json'],
      { env },
    );
    const temp = join(scratch, 'engine-temp');
    await mkdir(temp);
    const [engine, ...plannedArgs] = JSON.parse(plan.result.stdout).services[0].engineArgv.map((arg) =>
      arg.replaceAll('<temp>', temp),
    );
    // The run tag's part after its head is the same length for every run: replace the plan's stand-in.
    const runSuffix = (run) => runExportTag('cache', run).slice('cache'.length);
    const plannedSuffix = runSuffix(plannedRun);
    if (!plannedArgs.some((arg) => arg.includes(plannedSuffix))) {
      problems.push(`the planned engine argv has no run tag stand-in (${plannedSuffix})`);
    }
    const freshRunArgs = () => {
      const suffix = runSuffix({ runId: randomUUID(), startedAt: new Date() });
      return plannedArgs.map((arg) => arg.replaceAll(plannedSuffix, suffix));
    };

    const cpuLog = join(scratch, 'cpu.log');
    const measured = ['--require', cpuUsage, ...buildArgs];
    const raw = [];
    const deployer = [];
    const baseline = [];
    const arms = [
      async () => raw.push((await timed(engine, freshRunArgs())).elapsed),
      async () =>
        deployer.push(
          (await timed(process.execPath, measured, { env: { ...env, BENCH_CPU_LOG: cpuLog } })).elapsed,
        ),
      ...(baselineBin === undefined
        ? []
        : [
            async () =>
              baseline.push(
                (await timed(process.execPath, [baselineBin, ...buildArgs.slice(1)], { env })).elapsed,
              ),
          ]),
    ];
    // Each run starts with another arm: a build right after another meets the daemon and the registry still
    // busy with the previous one's aftermath, and no arm should always be the one that does.
    for (let run = 0; run < RUNS; run++) {
      for (let arm = 0; arm < arms.length; arm++) await arms[(run + arm) % arms.length]();
    }
    const cpu = (await readFile(cpuLog, 'utf8')).split('\n').filter(Boolean).map(Number);
    if (cpu.length !== RUNS) problems.push(`CPU time recorded for ${cpu.length} of ${RUNS} builds`);
    const overhead = median(deployer) - median(raw);
    console.log(`    median of ${RUNS} runs each, engine ${engine}`);
    console.log(
      `    engine argv alone  ${ms(median(raw))}   (a fresh run tag per run, as deployer exports to)`,
    );
    console.log(`    deployer build     ${ms(median(deployer))}`);
    if (baselineBin !== undefined) {
      console.log(
        `    baseline build     ${ms(median(baseline))}   overhead ${ms(median(baseline) - median(raw))}   (${baselineBin})`,
      );
    }
    console.log(`    deployer's own CPU ${ms(median(cpu))}   (its Node process, the engine not counted)`);
    console.log(
      `    overhead           ${ms(overhead)}   target ≤ ${TARGET_OVERHEAD_MS} ms: ${overhead <= TARGET_OVERHEAD_MS ? 'met' : 'not met'}`,
    );
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    await registry.stop();
    await rm(scratch, { recursive: true, force: true });
  }
}

if (problems.length > 0) {
  console.error(`\nFAILED: ${problems.join('; ')}`);
  process.exitCode = 1;
}
