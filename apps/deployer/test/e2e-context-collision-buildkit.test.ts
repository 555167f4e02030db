import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { gunzipSync } from 'node:zlib';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

/*
 * Two services whose contexts each hold a `stamp` of the same name and size but different bytes, every file
 * with one mtime (a checkout written within one clock tick), built through `deployer build` on one real
 * BuildKit daemon, one after the other and at once. buildctl opens its sessions without a shared key, so
 * the daemon uploads both contexts into the same reusable directories and skips files whose metadata is
 * unchanged (packages/buildkit-runner README, "Build contexts can collide on a daemon"). Without
 * `--content-mtimes` an image ends up with a file that is not its own; with it, each holds its own.
 *
 * The daemon is the last of DEPLOYER_TEST_BUILDKIT_HOSTS other than BUILDKIT_HOST (which other suites
 * prune). The pool's suite may stop it for a moment: a build that finds it unreachable is run again.
 */
const registry = process.env.DEPLOYER_TEST_REGISTRY;
const daemon = (process.env.DEPLOYER_TEST_BUILDKIT_HOSTS ?? '')
  .split(',')
  .filter((host) => host !== '' && host !== process.env.BUILDKIT_HOST)
  .at(-1);
const skipReason = !registry
  ? 'DEPLOYER_TEST_REGISTRY is not set'
  : daemon === undefined
    ? 'DEPLOYER_TEST_BUILDKIT_HOSTS names no BuildKit daemon besides BUILDKIT_HOST'
    : undefined;
if (skipReason !== undefined) console.log(`skipping the BuildKit context collision suite: ${skipReason}`);

const services = ['a', 'b'] as const;
type Service = (typeof services)[number];
/** Rounds the arm without the fix may take to show a collision (it usually shows in the first). */
const maxRoundsWithoutFix = 6;
const roundsWithFix = 2;

interface Report {
  ok: boolean;
  services: Array<{ service: string; status: string; failure?: { kind?: string } }>;
}

describe.skipIf(skipReason !== undefined)('build contexts on one BuildKit daemon', () => {
  const run = randomBytes(4).toString('hex');
  const repository = `collision-${run}`;
  const client = new RegistryClient({ host: registry!, insecure: true });
  const env = {
    DEPLOYER_REGISTRY: registry!,
    DEPLOYER_INSECURE_REGISTRIES: registry!,
    DEPLOYER_ENGINE: 'buildkit',
    BUILDKIT_HOST: daemon!,
  };
  /** One instant for every file of both contexts in every round, this run's own. */
  const tick = 1_600_000_000 + (randomBytes(4).readUInt32BE(0) % 100_000_000) + 0.1234565;
  let dir: string;
  let spec: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'deployer-collision-'));
    spec = join(dir, 'env.yaml');
    const lines = [`registry: { host: ${registry}, repository: ${repository}, insecure: true }`, 'services:'];
    for (const service of services) {
      await mkdir(join(dir, service));
      lines.push(`  ${service}: { context: ${service} }`);
    }
    await writeFile(spec, `${lines.join('\n')}\n`);
  });

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** This round's contexts: same Dockerfile, a `stamp` of the same size per service, all at `tick`. */
  async function writeContexts(round: string): Promise<Record<Service, string>> {
    const stamps = { a: `a ${run} ${round}\n`, b: `b ${run} ${round}\n` };
    for (const service of services) {
      await writeFile(join(dir, service, 'Dockerfile'), 'FROM scratch\nCOPY stamp /stamp\n');
      await writeFile(join(dir, service, 'stamp'), stamps[service]);
      for (const file of ['Dockerfile', 'stamp']) await utimes(join(dir, service, file), tick, tick);
    }
    return stamps;
  }

  /** `deployer build`, again while the daemon is unreachable (stopped by the pool's suite), for up to a minute. */
  async function build(args: string[]): Promise<void> {
    const deadline = Date.now() + 60_000;
    for (;;) {
      const result = await runCli(['build', '-f', spec, '--force', '--no-fallbacks', '--json', ...args], {
        env,
      });
      const report = JSON.parse(result.stdout) as Report;
      if (result.exitCode === 0 && report.ok) return;
      const unreachable = report.services.some((service) => service.failure?.kind === 'transient');
      if (!unreachable || Date.now() > deadline)
        throw new Error(`build failed: ${result.stdout}${result.stderr}`);
      await sleep(2000);
    }
  }

  /** What `/stamp` holds in the image pushed for the environment. */
  async function stampIn(service: Service, uuid: string): Promise<string> {
    let { manifest } = await client.getManifest(`${repository}/${service}`, uuid);
    const index = manifest as { manifests?: Array<{ digest: string }> };
    if (index.manifests)
      ({ manifest } = await client.getManifest(`${repository}/${service}`, index.manifests[0]!.digest));
    const layers = (manifest as { layers: Array<{ digest: string }> }).layers;
    const tar = gunzipSync(await client.getBlob(`${repository}/${service}`, layers.at(-1)!.digest));
    for (let offset = 0; offset + 512 <= tar.length; ) {
      const name = tar
        .subarray(offset, offset + 100)
        .toString()
        .replace(/\0.*$/s, '');
      const size = Number.parseInt(
        tar
          .subarray(offset + 124, offset + 136)
          .toString()
          .trim() || '0',
        8,
      );
      if (name === 'stamp') return tar.subarray(offset + 512, offset + 512 + size).toString();
      offset += 512 + Math.ceil(size / 512) * 512;
    }
    throw new Error(`no /stamp in ${repository}/${service}:${uuid}`);
  }

  /**
   * One round: `a` then `b` in two runs, then both at once in one run, from fresh stamps each time. Returns
   * per build what its image holds and what it should.
   */
  async function round(
    name: string,
    flags: string[],
  ): Promise<Array<{ build: string; holds: string; own: string }>> {
    const seen: Array<{ build: string; holds: string; own: string }> = [];
    const sequential = `cm-${name}-seq-${run}`;
    const one = await writeContexts(`${name} seq`);
    for (const service of services) await build([...flags, '--uuid', sequential, '--service', service]);
    for (const service of services) {
      seen.push({
        build: `${sequential} ${service}`,
        holds: await stampIn(service, sequential),
        own: one[service],
      });
    }
    const together = `cm-${name}-par-${run}`;
    const two = await writeContexts(`${name} par`);
    await build([...flags, '--uuid', together, '--concurrency', '2']);
    for (const service of services) {
      seen.push({
        build: `${together} ${service}`,
        holds: await stampIn(service, together),
        own: two[service],
      });
    }
    return seen;
  }

  it('without --content-mtimes, an image gets a file that is not its own', async () => {
    const wrong: string[] = [];
    for (let index = 1; index <= maxRoundsWithoutFix && wrong.length === 0; index++) {
      for (const seen of await round(`nofix${index}`, [])) {
        if (seen.holds !== seen.own) wrong.push(`${seen.build} holds ${JSON.stringify(seen.holds)}`);
      }
    }
    console.log(`without the fix: ${wrong.join('; ')}`);
    expect(wrong.length).toBeGreaterThan(0);
  }, 300_000);

  it('with --content-mtimes, every image holds its own file', async () => {
    for (let index = 1; index <= roundsWithFix; index++) {
      for (const seen of await round(`fix${index}`, ['--content-mtimes'])) {
        expect(seen.holds, seen.build).toBe(seen.own);
      }
    }
  }, 300_000);
});
