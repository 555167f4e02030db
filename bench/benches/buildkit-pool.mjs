// A pool of BuildKit daemons: affine routing against random routing, measured in one run.
//
// SERVICES services × ENVS environments built on the daemons of DEPLOYER_TEST_BUILDKIT_HOSTS (≥ 3; start
// them with `eval "$(.ci/test-services start DIR 3)"`), one environment after the other, each new and
// without fallbacks, so nothing is imported: every cached step is a hit in a daemon's local cache. Each
// mode builds services of its own (fresh content), so both start cold. Prints the wall time and the
// local-cache hit ratio (cached steps / steps, over all environments but the first) of each mode.
//
// Environment: BENCH_SERVICES (default 6), BENCH_ENVS (6), BENCH_BUILDS_PER_DAEMON (2).
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBuildkitPool } from '@deployer/buildkit-pool';
import { buildEnvironment, insecureRegistries, loadEnvironment, planEnvironment } from '@deployer/deploy';
import { createRegistryPort } from '@deployer/registry-cache';

const SERVICES = Number(process.env.BENCH_SERVICES ?? 6);
const ENVS = Number(process.env.BENCH_ENVS ?? 6);
const BUILDS_PER_DAEMON = Number(process.env.BENCH_BUILDS_PER_DAEMON ?? 2);
const daemons = (process.env.DEPLOYER_TEST_BUILDKIT_HOSTS ?? '').split(',').filter(Boolean);
const registryHost = process.env.DEPLOYER_TEST_REGISTRY;

if (daemons.length < 3 || !registryHost) {
  console.log(
    `skipped: needs DEPLOYER_TEST_BUILDKIT_HOSTS with ≥ 3 BuildKit daemons and DEPLOYER_TEST_REGISTRY ` +
      `(eval "$(.ci/test-services start DIR 3)"); got ${daemons.length} daemon(s)`,
  );
  process.exit(0);
}

const run = randomBytes(3).toString('hex');
const dir = await mkdtemp(join(tmpdir(), 'deployer-bench-pool-'));

/** Builds one environment of a spec through a pool (or one daemon), as `deployer build --force` would. */
async function buildOnce(spec, buildUuid, engine) {
  const environment = await loadEnvironment(spec);
  const registry = createRegistryPort({ insecureRegistries: insecureRegistries(environment) });
  const plan = await planEnvironment(environment, { buildUuid, force: true, fallbacks: [], registry });
  const report = await buildEnvironment(plan, { engine, registry, concurrency: SERVICES, env: process.env });
  if (!report.ok) throw new Error(`${buildUuid}: ${JSON.stringify(report.services.map((s) => s.reason))}`);
  return report;
}

async function writeSpec(name, services, dockerfile) {
  for (const service of services) {
    await mkdir(join(dir, service), { recursive: true });
    await writeFile(join(dir, service, 'stamp'), `${service} ${run}\n`);
    await writeFile(join(dir, service, 'Dockerfile'), dockerfile);
  }
  const spec = join(dir, `${name}.yaml`);
  await writeFile(
    spec,
    [
      `registry: { host: ${registryHost}, repository: bench-pool-${run}, insecure: true }`,
      'engine: buildkit',
      'services:',
      ...services.map((service) => `  ${service}: { context: ${service}, tag: latest }`),
      '',
    ].join('\n'),
  );
  return spec;
}

try {
  // The base image, from the host's static busybox (apt-get install busybox-static).
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
  if (busybox === undefined) throw new Error('no static busybox: apt-get install busybox-static');
  await mkdir(join(dir, 'busybox'));
  await copyFile(busybox, join(dir, 'busybox', 'busybox'));
  const seed = await writeSpec(
    'seed',
    ['busybox'],
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/bin\n',
  );
  await buildOnce(seed, `seed-${run}`, createBuildkitPool({ daemons: daemons.slice(0, 1) }));
  const base = `${registryHost}/bench-pool-${run}/busybox:latest`;

  const results = [];
  for (const mode of ['affine', 'random']) {
    const services = Array.from({ length: SERVICES }, (_, index) => `${mode}-svc${index}`);
    const spec = await writeSpec(
      mode,
      services,
      `FROM ${base}\nCOPY stamp /stamp\nRUN cat /stamp > /built && sleep 1\nRUN sha256sum /bin/busybox >> /built\n`,
    );
    const engine = createBuildkitPool({
      daemons,
      buildsPerDaemon: BUILDS_PER_DAEMON,
      ...(mode === 'random' && { routingKey: () => randomUUID() }),
    });
    let steps = 0;
    let cached = 0;
    const started = performance.now();
    for (let index = 0; index < ENVS; index++) {
      const report = await buildOnce(spec, `bench-${mode}-${index}-${run}`, engine);
      if (index === 0) continue; // the cold environment fills the daemons' caches
      for (const service of report.services) {
        steps += service.steps.total - service.steps.shared;
        cached += service.steps.cached;
      }
    }
    results.push({ mode, ms: performance.now() - started, ratio: steps === 0 ? 0 : cached / steps });
  }
  console.log(
    `${SERVICES} services × ${ENVS} environments on ${daemons.length} daemons, ${BUILDS_PER_DAEMON} builds per daemon`,
  );
  for (const { mode, ms, ratio } of results) {
    console.log(
      `  ${mode.padEnd(6)}  wall ${(ms / 1000).toFixed(1)} s  local-cache hit ratio ${(ratio * 100).toFixed(0)}% (environments 2–${ENVS})`,
    );
  }
  const [affine, random] = results;
  // Affine routing meets each service's cache on its own daemon (100% unless a full daemon had to pass a
  // build on); random routing only where an earlier environment happened to land on the same daemon.
  console.log(
    `  target: affine above random and near 100%: affine ${(affine.ratio * 100).toFixed(0)}% vs random ${(random.ratio * 100).toFixed(0)}%, ` +
      `${(random.ms / affine.ms).toFixed(2)}× the speed`,
  );
  if (affine.ratio <= random.ratio) process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
