import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EngineName } from '@deployer/contracts';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { unmountUnder } from '@deployer/process';
import { RegistryClient } from '@deployer/registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from './run-cli.js';
import { buildkitSkipReason, busyboxContext } from './support/buildkit-daemon.js';
import { processesMatching, waitFor } from './support/processes.js';
import { missingBuildTools } from './support/stack.js';

// `kill -9` of a real `deployer build` while its engine runs a slow RUN step: nothing of the run may live
// on (the engine dies through its parent-death signal, buildah's RUN step with it) and nothing may be
// pushed afterwards. Killed at different moments, several times per engine.

const runStepSeconds = 20;
/**
 * Far shorter than what is left of the RUN step: an engine that merely outlived deployer would still be
 * waiting for the step (and only die of SIGPIPE at its next output line, or push first).
 */
const exitDeadlineMs = 3_000;
/** After the kill, at different moments of the build: as the engine appears, mid-step, late in the step. */
const killDelaysMs = [0, 1_500, 5_000];

/** A one-service environment built FROM scratch (no base image to seed), its RUN step unique to `marker`. */
async function writeEnvironment(dir: string, repository: string, marker: string): Promise<string> {
  await busyboxContext(
    dir,
    'slow',
    [
      'FROM scratch',
      'COPY busybox /bin/busybox',
      // `sh` stays the step's parent (sleep is not its last command), its argv carrying the run's marker.
      `RUN ["/bin/busybox", "sh", "-c", "/bin/busybox sleep ${runStepSeconds}; : ${marker}"]`,
      '',
    ].join('\n'),
  );
  const spec = join(dir, `${marker}.yaml`);
  await writeFile(
    spec,
    [
      `registry: { host: 127.0.0.1:5000, repository: ${repository}, insecure: true }`,
      'services:',
      '  slow:',
      '    context: slow',
      '',
    ].join('\n'),
  );
  return spec;
}

function parentOf(stat: string): number {
  return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
}

/** Whether `ancestor` is among the parents of `pid` (read from /proc). */
async function descendsFrom(pid: number, ancestor: number): Promise<boolean> {
  for (let current = pid; current > 1; ) {
    try {
      current = parentOf(await readFile(`/proc/${current}/stat`, 'utf8'));
    } catch {
      return false;
    }
    if (current === ancestor) return true;
  }
  return false;
}

interface KillCase {
  engine: EngineName;
  /** The engine's file name as it appears in argv[0] or after setpriv's `--`. */
  engineBinary: string;
  env: (marker: string) => Record<string, string>;
}

/** The temporary directories a deployer process made (named after it) in the test's TMPDIR. */
async function tempDirsOf(tempDir: string, pid: number): Promise<string[]> {
  return (await readdir(tempDir)).filter((name) => new RegExp(`^deployer-\\w+-\\d+-${pid}-`).test(name));
}

/**
 * Kills deployer once, `delayMs` after its engine appeared. Returns the run's marker (its build uuid, the
 * image tag that must never appear) and deployer's pid.
 */
async function killDuringBuild(c: KillCase, dir: string, repository: string, delayMs: number) {
  const marker = `killed-${randomBytes(4).toString('hex')}`;
  const spec = await writeEnvironment(dir, repository, marker);
  const tempDir = join(dir, 'tmp');
  await mkdir(tempDir, { recursive: true });
  const deployer = execa('node', [binPath, 'build', '-f', spec, '--uuid', marker, '--force'], {
    env: { NO_COLOR: '1', TMPDIR: tempDir, ...c.env(marker) },
    reject: false,
    timeout: 120_000,
  });
  const deployerPid = deployer.pid!;
  await waitFor(async () => {
    for (const candidate of await processesMatching(c.engineBinary)) {
      if (!candidate.argv.some((arg) => arg === c.engineBinary || arg.endsWith(`/${c.engineBinary}`)))
        continue;
      if (await descendsFrom(candidate.pid, deployerPid)) return candidate;
    }
    return undefined;
  }, 60_000);
  await sleep(delayMs);
  process.kill(deployerPid, 'SIGKILL');
  const result = await deployer;
  expect(result.signal).toBe('SIGKILL');

  // Reparented, the run's processes are no longer deployer's descendants: find them by the run's marker.
  const deadline = Date.now() + exitDeadlineMs;
  let left = await processesMatching(marker);
  while (left.length > 0 && Date.now() < deadline) {
    await sleep(100);
    left = await processesMatching(marker);
  }
  expect(
    left.map((p) => p.argv.join(' ')),
    `processes of ${c.engine} run ${marker} ${exitDeadlineMs} ms after deployer was killed`,
  ).toEqual([]);
  // Its temporary directory stays behind, for the next run to remove (see expectTempDirsSwept).
  expect(await tempDirsOf(tempDir, deployerPid)).not.toEqual([]);
  return { marker, pid: deployerPid };
}

/** Every killed run's temporary directory was removed by the run after it; the last one's remains. */
async function expectTempDirsSwept(dir: string, pids: number[]) {
  for (const pid of pids.slice(0, -1)) {
    expect(
      await tempDirsOf(join(dir, 'tmp'), pid),
      `temporary directories of killed deployer ${pid}`,
    ).toEqual([]);
  }
}

async function expectNothingPushed(registryHost: string, repository: string, tags: string[]) {
  // Longer than the RUN step and a push: a surviving engine would have pushed by now.
  await sleep((runStepSeconds + 6) * 1_000);
  const client = new RegistryClient({ host: registryHost, insecure: true, credentials: 'anonymous' });
  for (const tag of tags) {
    expect(await client.headManifest(`${repository}/slow`, tag), `${repository}/slow:${tag}`).toBeUndefined();
  }
  expect(await client.listTags(`${repository}/slow`).catch(() => [])).toEqual([]);
}

const missing = missingBuildTools();
describe.skipIf(missing.length > 0)('kill -9 of deployer building with buildah', () => {
  let registry: LocalRegistry;
  let dir: string;

  beforeAll(async () => {
    registry = await startLocalRegistry();
    dir = await mkdtemp(join(tmpdir(), 'deployer-killed-buildah-'));
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) await unmountUnder(dir);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('leaves no buildah, no RUN step and no pushed image, killed at any moment', async () => {
    const runs: Array<{ marker: string; pid: number }> = [];
    for (const delayMs of killDelaysMs) {
      runs.push(
        await killDuringBuild(
          {
            engine: 'buildah',
            engineBinary: 'buildah',
            env: (marker) => ({
              DEPLOYER_REGISTRY: registry.host,
              DEPLOYER_INSECURE_REGISTRIES: registry.host,
              DEPLOYER_ENGINE: 'buildah',
              // buildah's argv carries its storage, so every buildah of the run carries the marker.
              DEPLOYER_BUILDAH_ROOT: join(dir, `storage-${marker}`),
            }),
          },
          dir,
          'killed-buildah',
          delayMs,
        ),
      );
    }
    await expectNothingPushed(
      registry.host,
      'killed-buildah',
      runs.map((run) => run.marker),
    );
    await expectTempDirsSwept(
      dir,
      runs.map((run) => run.pid),
    );
  }, 240_000);
});

const testRegistry = process.env.DEPLOYER_TEST_REGISTRY;
const buildkitSkip = buildkitSkipReason('the killed-deployer BuildKit suite');

describe.skipIf(buildkitSkip !== undefined)('kill -9 of deployer building with BuildKit', () => {
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deployer-killed-buildkit-'));
  });

  afterAll(async () => {
    if (dir) await unmountUnder(dir);
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('leaves no buildctl and no pushed image, killed at any moment', async () => {
    const repository = `killed-bk-${randomBytes(3).toString('hex')}`;
    const runs: Array<{ marker: string; pid: number }> = [];
    for (const delayMs of killDelaysMs) {
      runs.push(
        await killDuringBuild(
          {
            engine: 'buildkit',
            engineBinary: 'buildctl',
            env: () => ({
              DEPLOYER_REGISTRY: testRegistry!,
              DEPLOYER_INSECURE_REGISTRIES: testRegistry!,
              DEPLOYER_ENGINE: 'buildkit',
              BUILDKIT_HOST: process.env.BUILDKIT_HOST!,
            }),
          },
          dir,
          repository,
          delayMs,
        ),
      );
    }
    await expectNothingPushed(
      testRegistry!,
      repository,
      runs.map((run) => run.marker),
    );
    await expectTempDirsSwept(
      dir,
      runs.map((run) => run.pid),
    );
  }, 240_000);
});
