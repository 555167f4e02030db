import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { cacheIdentity, createHashRing } from '@deployer/buildkit-pool';
import type { EngineBuildRequest } from '@deployer/contracts';
import { insecureRegistries, loadEnvironment, planEnvironment } from '@deployer/deploy';
import { createRegistryPort } from '@deployer/registry-cache';
import { execa } from 'execa';
import { validUuid } from './build-uuids.js';

/**
 * The pool's test daemons: those of DEPLOYER_TEST_BUILDKIT_HOSTS other than BUILDKIT_HOST, which the other
 * BuildKit suites use and prune (`.ci/test-services start DIR 4` gives three), so stopping one of them or
 * relying on their local caches never disturbs a suite running beside this one.
 */
export const poolDaemons = (process.env.DEPLOYER_TEST_BUILDKIT_HOSTS ?? '')
  .split(',')
  .filter((host) => host !== '' && host !== process.env.BUILDKIT_HOST);
export const testRegistry = process.env.DEPLOYER_TEST_REGISTRY ?? '';

const buildkitScripts = resolve(import.meta.dirname, '../../../../../shared/buildkit');

/** The state directory `../shared/buildkit/start` made for a daemon: its socket's directory. */
export function stateDirOf(daemon: string): string {
  if (!daemon.startsWith('unix://')) throw new Error(`not a test daemon socket: ${daemon}`);
  return dirname(daemon.slice('unix://'.length));
}

export async function stopDaemon(daemon: string): Promise<void> {
  await execa(join(buildkitScripts, 'stop'), [stateDirOf(daemon)]);
}

export async function startDaemon(daemon: string): Promise<void> {
  await execa(join(buildkitScripts, 'start'), [stateDirOf(daemon), testRegistry]);
}

/** A busybox base image in the test registry, built by deployer itself from the host's static busybox. */
export async function seedBaseImage(dir: string, run: string, cli: (args: string[]) => Promise<number>) {
  const busybox = ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
  if (busybox === undefined)
    throw new Error('no static busybox on this host: apt-get install busybox-static');
  await mkdir(join(dir, 'busybox'), { recursive: true });
  await copyFile(busybox, join(dir, 'busybox', 'busybox'));
  await writeFile(
    join(dir, 'busybox', 'Dockerfile'),
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/bin\n',
  );
  await writeFile(
    join(dir, 'seed.yaml'),
    `registry: { host: ${testRegistry}, repository: base-${run}, insecure: true }\nservices:\n  busybox: { context: busybox, tag: latest }\n`,
  );
  const exitCode = await cli(['build', '-f', join(dir, 'seed.yaml'), '--uuid', `seed-${run}`, '--force']);
  if (exitCode !== 0) throw new Error(`seeding the base image failed (exit ${exitCode})`);
  return `${testRegistry}/base-${run}/busybox:latest`;
}

/**
 * A spec of services whose every build is unique to `stamp` (no daemon has its steps yet): a stamped
 * file, a slow RUN (so builds overlap, and a daemon can be stopped under one), a second RUN.
 */
export async function writePoolSpec(dir: string, base: string, services: readonly string[], stamp: string) {
  for (const service of services) {
    await mkdir(join(dir, service), { recursive: true });
    await writeFile(join(dir, service, 'stamp'), `${service} ${stamp}\n`);
    await writeFile(
      join(dir, service, 'Dockerfile'),
      `FROM ${base}\nCOPY stamp /stamp\nRUN cat /stamp > /built && sleep 3\nRUN echo done >> /built\n`,
    );
  }
  const spec = join(dir, `env-${stamp}.yaml`);
  await writeFile(
    spec,
    [
      `registry: { host: ${testRegistry}, repository: pool, insecure: true }`,
      'cache: { repository: pool/cache }',
      'engine: buildkit',
      'services:',
      ...services.map((service) => `  ${service}: { context: ${service} }`),
      '',
    ].join('\n'),
  );
  return spec;
}

/**
 * Six service names whose own daemons (first on their ring) are spread two per daemon, so affine routing
 * with two builds per daemon never has to overflow: which service overflows would depend on timing.
 */
export async function servicesTwoPerDaemon(dir: string, base: string, run: string): Promise<string[]> {
  const candidates = Array.from({ length: 24 }, (_, index) => `svc${index}-${run}`);
  const spec = await writePoolSpec(dir, base, candidates, `probe-${randomBytes(3).toString('hex')}`);
  const environment = await loadEnvironment(spec);
  const plan = await planEnvironment(environment, {
    buildUuid: validUuid(`probe-${run}`),
    registry: createRegistryPort({ insecureRegistries: insecureRegistries(environment) }),
  });
  const ring = createHashRing(poolDaemons);
  const perDaemon = new Map<string, string[]>();
  for (const service of plan.services) {
    const own = ring.order(
      cacheIdentity({ service: service.service, cache: service.cache } as EngineBuildRequest),
    )[0] as string;
    perDaemon.set(own, [...(perDaemon.get(own) ?? []), service.service]);
  }
  const chosen = [...perDaemon.values()].flatMap((services) => services.slice(0, 2));
  if (chosen.length !== 6)
    throw new Error(`24 candidates did not give two services per daemon: ${JSON.stringify([...perDaemon])}`);
  return chosen;
}
