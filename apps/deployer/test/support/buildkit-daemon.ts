import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../run-cli.js';

/*
 * What the BuildKit end-to-end suites share: why a suite skips (CI sets both variables, so it never does
 * there), and a build context holding the host's static busybox, so nothing is pulled from the internet.
 */

/** Why a BuildKit suite cannot run here, or undefined when BUILDKIT_HOST and DEPLOYER_TEST_REGISTRY are set. */
export function buildkitSkipReason(suite: string): string | undefined {
  const reason = !process.env.BUILDKIT_HOST
    ? 'BUILDKIT_HOST is not set'
    : !process.env.DEPLOYER_TEST_REGISTRY
      ? 'DEPLOYER_TEST_REGISTRY is not set'
      : staticBusybox() === undefined
        ? 'no static busybox (apt-get install busybox-static)'
        : undefined;
  if (reason !== undefined) console.log(`skipping ${suite}: ${reason}`);
  return reason;
}

/** Debian's busybox-static, where the host has it. */
export function staticBusybox(): string | undefined {
  return ['/bin/busybox', '/usr/bin/busybox'].find((path) => existsSync(path));
}

/** `dir/name` with the static busybox in it (as `busybox`) and this Dockerfile; returns the folder. */
export async function busyboxContext(dir: string, name: string, dockerfile: string): Promise<string> {
  const busybox = staticBusybox();
  if (busybox === undefined)
    throw new Error('no static busybox on this host: apt-get install busybox-static');
  const context = join(dir, name);
  await mkdir(context, { recursive: true });
  await copyFile(busybox, join(context, 'busybox'));
  await writeFile(join(context, 'Dockerfile'), dockerfile);
  return context;
}

/**
 * Pushes `<registry>/base/busybox:latest`, built by deployer itself through BuildKit from the host's
 * static busybox (nothing pulled from the internet): the base image the BuildKit suites build FROM.
 * Returns the scratch folder it used (the caller removes it).
 */
export async function seedBusyboxThroughBuildkit(
  registry: string,
  env: Record<string, string>,
  run: string,
): Promise<string> {
  const scratch = await mkdtemp(join(tmpdir(), 'deployer-bk-seed-'));
  await busyboxContext(
    scratch,
    'busybox',
    'FROM scratch\nCOPY busybox /bin/busybox\nRUN ["/bin/busybox", "--install", "-s", "/bin"]\nENV PATH=/bin\n',
  );
  await writeFile(
    join(scratch, 'seed.yaml'),
    `registry: { host: ${registry}, repository: base, insecure: true }\nservices:\n  busybox: { context: busybox, tag: latest }\n`,
  );
  const seeded = await runCli(
    ['build', '-f', join(scratch, 'seed.yaml'), '--uuid', `seed-${run}`, '--force'],
    {
      env,
    },
  );
  if (seeded.exitCode !== 0) {
    throw new Error(`seeding busybox through BuildKit failed: ${seeded.stdout}${seeded.stderr}`);
  }
  return scratch;
}
