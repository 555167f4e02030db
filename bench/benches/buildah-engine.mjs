// The buildah engine against a real local registry (Debian's docker-registry), through the built
// `deployer` CLI, on the 65 MB-cache service shape: 5 steps, layers of 48 MB and 16 MB of random data.
//
// Measures, beside the targets:
// - how long the process runs after printing its final report line (every engine: buildah, and
//   BuildKit when BUILDKIT_HOST is set), target ≤ 0.2 s;
// - buildah, a new environment fully cached from its fallback, fresh storage (every layer from the
//   registry), target ≤ 2× BuildKit's time for the same on a pruned daemon (measured when BUILDKIT_HOST
//   is set);
// - buildah, warm storage (the machine's persistent storage), a new environment fully cached, target ≤ 1.5 s.
// Needs buildah, docker-registry and busybox-static; BuildKit's part needs BUILDKIT_HOST and buildctl.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seedBusyboxBaseImage } from '@deployer/buildah-runner';
import { startLocalRegistry } from '@deployer/local-registry';
import { unmountUnder } from '@deployer/process';
import { execa } from 'execa';

const here = dirname(fileURLToPath(import.meta.url));
const bin = join(here, '..', '..', 'apps', 'deployer', 'bin', 'deployer.cjs');
const scratch = await mkdtemp(join(tmpdir(), 'deployer-bench-buildah-'));
const registry = await startLocalRegistry();
const failures = [];

function check(label, value, target, unit = 's') {
  const ok = value <= target;
  if (!ok) failures.push(label);
  process.stdout.write(
    `${label.padEnd(66)} ${value.toFixed(2).padStart(7)} ${unit}   target ≤ ${target.toFixed(2)} ${unit}  ${ok ? 'ok' : 'MISSED'}\n`,
  );
}

/** One `deployer build`: wall time, time from the final report line to the exit, the JSON report. */
async function deployerBuild(uuid, args, env) {
  const started = performance.now();
  const child = execa('node', [bin, 'build', '-f', spec, '--uuid', uuid, '--force', '--json', ...args], {
    env: {
      NO_COLOR: '1',
      DEPLOYER_REGISTRY: registry.host,
      DEPLOYER_INSECURE_REGISTRIES: registry.host,
      ...env,
    },
    stdin: 'ignore',
    reject: false,
  });
  let output = '';
  let reportAt;
  child.stdout.on('data', (chunk) => {
    output += chunk;
    // The JSON report ends with its closing brace on a line of its own.
    if (/\n}\n*$/.test(output)) reportAt = performance.now();
  });
  const exitAt = await new Promise((resolve) => child.once('exit', () => resolve(performance.now())));
  const result = await child;
  if (result.exitCode !== 0) throw new Error(`deployer build ${uuid} failed:\n${result.stderr}\n${output}`);
  const report = JSON.parse(output);
  return { wallMs: exitAt - started, lingerMs: exitAt - (reportAt ?? exitAt), report };
}

function fullyCached(result, what) {
  for (const service of result.report.services) {
    if (service.steps.cached !== service.steps.total) {
      throw new Error(`${what}: ${service.service} ${service.steps.cached}/${service.steps.total} cached`);
    }
  }
}

const spec = join(scratch, 'env.yaml');
try {
  await seedBusyboxBaseImage({ registry: registry.host, insecure: true });
  await mkdir(join(scratch, 'app'));
  await writeFile(join(scratch, 'app', 'note.txt'), 'bench\n');
  await writeFile(
    join(scratch, 'app', 'Dockerfile'),
    [
      'ARG BUSYBOX_IMAGE',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: a Dockerfile build argument
      'FROM ${BUSYBOX_IMAGE}',
      'WORKDIR /data',
      'RUN head -c 50331648 /dev/urandom > /data/big.bin',
      'RUN head -c 16777216 /dev/urandom > /data/medium.bin',
      'COPY note.txt /data/note.txt',
      'RUN echo done > /data/done',
      '',
    ].join('\n'),
  );
  await writeFile(
    spec,
    [
      `registry: { host: ${registry.host}, repository: bench, insecure: true }`,
      'cache: { repository: bench/cache, strategy: path }',
      'services:',
      '  app:',
      '    context: app',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the spec's own interpolation
      '    args: { BUSYBOX_IMAGE: "${registry.host}/base/busybox:latest" }',
      '',
    ].join('\n'),
  );
  const fresh = async () => ({
    DEPLOYER_ENGINE: 'buildah',
    DEPLOYER_BUILDAH_ROOT: await mkdtemp(join(scratch, 'storage-')),
  });

  // The fallback environment, cold, on buildah.
  await deployerBuild('main', ['--no-fallbacks'], await fresh());

  // buildah, a new environment fully cached from main, fresh storage.
  const fromFallback = await deployerBuild('pr-fresh', ['--fallback', 'main'], await fresh());
  fullyCached(fromFallback, 'buildah from its fallback');
  const seeding = fromFallback.report.services[0].seeding;
  process.stdout.write(`buildah own cache seeding: ${seeding?.status} (${seeding?.reason})\n`);

  // buildah, warm storage: the machine's persistent storage, primed by one build.
  const machine = { DEPLOYER_ENGINE: 'buildah', XDG_CACHE_HOME: join(scratch, 'xdg') };
  await deployerBuild('pr-prime', ['--fallback', 'main'], machine);
  const warm = await deployerBuild('pr-warm', ['--fallback', 'main'], machine);
  fullyCached(warm, 'buildah warm storage');
  process.stdout.write(
    `buildah storage driver: ${warm.report.buildahStorage?.storageDriver} (${warm.report.buildahStorage?.driverReason})\n\n`,
  );

  let buildkit;
  if (process.env.BUILDKIT_HOST) {
    const bk = { DEPLOYER_ENGINE: 'buildkit', BUILDKIT_HOST: process.env.BUILDKIT_HOST };
    await deployerBuild('bk-main', ['--no-fallbacks'], bk);
    await execa('buildctl', ['--addr', process.env.BUILDKIT_HOST, 'prune', '--all'], { stdin: 'ignore' });
    buildkit = await deployerBuild('bk-pr', ['--fallback', 'bk-main'], bk);
    fullyCached(buildkit, 'BuildKit from its fallback');
  }

  check('buildah: process exit after the final report', fromFallback.lingerMs / 1000, 0.2);
  check('buildah (warm): process exit after the final report', warm.lingerMs / 1000, 0.2);
  if (buildkit) check('BuildKit: process exit after the final report', buildkit.lingerMs / 1000, 0.2);
  if (buildkit) {
    check(
      'buildah, new env from fallback, fresh storage (wall)',
      fromFallback.wallMs / 1000,
      (2 * buildkit.wallMs) / 1000,
    );
    process.stdout.write(
      `  (BuildKit, pruned daemon, the same: ${(buildkit.wallMs / 1000).toFixed(2)} s wall)\n`,
    );
  } else {
    process.stdout.write(
      `buildah, new env from fallback, fresh storage (wall)               ${(fromFallback.wallMs / 1000).toFixed(2).padStart(7)} s   target ≤ 2× BuildKit's: set BUILDKIT_HOST to measure it\n`,
    );
  }
  check('buildah, warm storage, fully cached (build)', warm.report.durationMs / 1000, 1.5);
  process.stdout.write(
    `  (the same, whole command with Node's start: ${(warm.wallMs / 1000).toFixed(2)} s wall)\n`,
  );
} finally {
  await registry.stop();
  // buildah's overlay storage keeps its driver directory mounted: unmount before removing it.
  await unmountUnder(scratch);
  await rm(scratch, { recursive: true, force: true, maxRetries: 3 });
}
if (failures.length > 0) {
  process.stdout.write(`missed: ${failures.join('; ')}\n`);
  process.exitCode = 1;
}
