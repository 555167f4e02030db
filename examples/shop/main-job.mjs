#!/usr/bin/env node
// The README's main job, on a fresh machine: bring the local stack up, build the shop for a new
// environment with no cache, then for a second new environment that falls back to the first, and show
// the second one warm on its very first build.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateBuildUuid } from '@deployer/deploy';
import { unmountUnder } from '@deployer/process';
import { execa } from 'execa';

const here = dirname(fileURLToPath(import.meta.url));
const spec = join(here, 'env.yaml');

function deployer(args, env = {}) {
  return execa('deployer', args, {
    preferLocal: true,
    localDir: here,
    cwd: join(here, '..', '..'),
    env,
    stdin: 'ignore',
    stderr: 'inherit',
  });
}

async function build(label, args, registry) {
  // A fresh buildah storage per environment (not the machine's persistent one deployer uses by default):
  // with buildah, every cache hit below came from the registry. (A BuildKit daemon keeps its own local
  // cache besides, so its hits may also come from there.)
  const storage = await mkdtemp(join(tmpdir(), 'deployer-main-job-'));
  process.stderr.write(`\n== ${label}\n`);
  const started = performance.now();
  try {
    const result = await deployer(['build', '-f', spec, '--force', '--json', ...args], {
      DEPLOYER_REGISTRY: registry,
      DEPLOYER_INSECURE_REGISTRIES: registry,
      DEPLOYER_BUILDAH_ROOT: storage,
    });
    return { ...JSON.parse(result.stdout), wallMs: performance.now() - started };
  } catch (error) {
    if (error.stdout) process.stderr.write(`${error.stdout}\n`);
    throw error;
  } finally {
    // buildah's overlay storage keeps its driver directory mounted: unmount before removing it.
    await unmountUnder(storage);
    await rm(storage, { recursive: true, force: true });
  }
}

function table(header, rows) {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i].length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

const stack = JSON.parse((await deployer(['dev', 'up', '--json'])).stdout);
process.stderr.write(`local registry ${stack.url}, base image ${stack.baseImage}\n`);

const first = generateBuildUuid();
const second = generateBuildUuid();
const reports = [
  await build(
    `${first}: a new environment, no fallback (cold)`,
    ['--uuid', first, '--no-fallbacks'],
    stack.registry,
  ),
  await build(
    `${second}: a new environment, falling back to ${first}`,
    ['--uuid', second, '--fallback', first],
    stack.registry,
  ),
];

const rows = reports.flatMap((report) =>
  report.services.map((result) => [
    report.buildUuid,
    result.service,
    `${result.image}@${result.digest ?? '-'}`,
    String(result.steps.total),
    `${result.steps.cached} (${Math.round(result.cacheHitRatio * 100)}%)`,
    `${(result.durationMs / 1000).toFixed(1)}s`,
  ]),
);
process.stdout.write(`\nengine: ${reports[0].engine}\n`);
process.stdout.write(
  `\n${table(['ENVIRONMENT', 'SERVICE', 'IMAGE', 'STEPS', 'CACHED', 'DURATION'], rows)}\n\n`,
);

process.stdout.write(
  `wall time per environment (the whole deployer build): ${reports
    .map((report) => `${report.buildUuid} ${(report.wallMs / 1000).toFixed(1)}s`)
    .join(', ')}${reports[1].wallMs < reports[0].wallMs ? ' — the warm environment is faster' : ''}\n`,
);

const cached = (report) => report.services.reduce((sum, result) => sum + result.steps.cached, 0);
const failed = reports.some((report) => !report.ok);
process.stdout.write(
  `${second} reused ${cached(reports[1])} cached steps from ${first} on its first build (${first} itself: ${cached(reports[0])}).\n` +
    `Look around: pnpm deployer cache ls -f examples/shop/env.yaml --registry ${stack.registry}\n` +
    `Tear down:   pnpm deployer down -f examples/shop/env.yaml --registry ${stack.registry} --uuid ${second}\n` +
    'Stop stack:  pnpm deployer dev down\n',
);
process.exitCode = failed || cached(reports[1]) === 0 ? 1 : 0;
