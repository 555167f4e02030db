import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isRunExportTag } from '@deployer/cache-ref';
import { RegistryClient } from '@deployer/registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath } from './run-cli.js';
import { buildkitSkipReason, busyboxContext } from './support/buildkit-daemon.js';
import { type LeaseFailingProxy, startLeaseFailingProxy } from './support/lease-failing-proxy.js';
import { processesMatching } from './support/processes.js';

// Two `deployer build` processes of one environment started at the same instant, many times, through a real
// BuildKit daemon: whatever the leases decide, no two live buildctl processes ever export to one ref, and
// afterwards the environment's `:cache` is a complete manifest and no run tag is left. Every other round
// the leases are down (a loopback proxy refuses them), so both runs build at once, unprotected: the
// run-scoped exports alone must keep them apart.
const registry = process.env.DEPLOYER_TEST_REGISTRY;
const skipReason = buildkitSkipReason('the one-writer BuildKit suite');

const iterations = 6;
const repository = `onewriter${process.pid}`;
// The step's build argument is new in every run of this file too: a daemon shared with an earlier run (CI
// runs the tests on Node 20, then on Node 24, against the same daemons) would otherwise answer the step
// from its local cache at once, and the two builds would never overlap.
const runNonce = `${process.pid}-${Date.now().toString(36)}`;

/** The `ref=` of every live buildctl's `--export-cache`, one entry per process. */
async function liveExportRefs(): Promise<string[]> {
  const refs: string[] = [];
  for (const { argv } of await processesMatching('--export-cache')) {
    if (!argv.some((arg) => arg.endsWith('buildctl'))) continue;
    const value = argv[argv.indexOf('--export-cache') + 1] ?? '';
    refs.push(/(?:^|,)ref=([^,]+)/.exec(value)?.[1] ?? value);
  }
  return refs;
}

describe.skipIf(skipReason !== undefined)('one writer per ref with BuildKit', () => {
  let dir: string;
  let proxy: LeaseFailingProxy;
  const env = () => ({
    NO_COLOR: '1',
    DEPLOYER_REGISTRY: proxy.host,
    DEPLOYER_INSECURE_REGISTRIES: proxy.host,
    DEPLOYER_ENGINE: 'buildkit',
    BUILDKIT_HOST: process.env.BUILDKIT_HOST!,
  });

  beforeAll(async () => {
    proxy = await startLeaseFailingProxy(registry!);
    dir = await mkdtemp(join(tmpdir(), 'deployer-onewriter-'));
    await busyboxContext(
      dir,
      'slow',
      // A step that takes seconds, run anew each iteration (its build argument changes).
      'FROM scratch\nCOPY busybox /bin/busybox\nARG ITERATION\nRUN ["/bin/busybox", "sh", "-c", "echo $ITERATION > /iteration; /bin/busybox sleep 3"]\n',
    );
  });

  afterAll(async () => {
    await proxy?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it(`${iterations} times: two runs at once never share an export ref; :cache whole, no run tag left`, async () => {
    const client = new RegistryClient({ host: registry!, insecure: true, credentials: 'anonymous' });
    const cacheRepository = `${repository}/cache/slow/pr-1`;
    let overlapping = 0;
    for (let iteration = 0; iteration < iterations; iteration++) {
      const spec = join(dir, `env-${iteration}.yaml`);
      await writeFile(
        spec,
        `registry: { host: ${registry}, repository: ${repository}, insecure: true }\nservices:\n  slow: { context: slow, args: { ITERATION: "${runNonce}-${iteration}" } }\n`,
      );
      proxy.failLeases = iteration % 2 === 1;
      const build = () =>
        execa('node', [binPath, 'build', '-f', spec, '--uuid', 'pr-1', '--force', '--no-fallbacks'], {
          env: env(),
          reject: false,
          timeout: 90_000,
        });
      const runs = Promise.all([build(), build()]);
      let done = false;
      void runs.finally(() => {
        done = true;
      });
      while (!done) {
        const refs = await liveExportRefs();
        expect(new Set(refs).size, `export refs of live buildctl processes: ${refs.join(' ')}`).toBe(
          refs.length,
        );
        if (refs.length > 1) overlapping += 1;
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const results = await runs;
      for (const result of results) expect([0, 1], result.stdout + result.stderr).toContain(result.exitCode);
      expect(
        results.some((result) => result.exitCode === 0),
        results.map((r) => r.stdout).join('\n'),
      ).toBe(true);

      const tags = await client.listTags(cacheRepository);
      const said = `iteration ${iteration}; the runs said:\n${results.map((r) => r.stdout + r.stderr).join('\n')}`;
      expect(tags.filter(isRunExportTag), `tags left after ${said}`).toEqual([]);
      expect(tags, `no cache tag after ${said}`).toContain('cache');
      const cache = await client.getManifest(cacheRepository, 'cache');
      const descriptors = 'manifests' in cache.manifest ? cache.manifest.manifests : [];
      expect(descriptors.length).toBeGreaterThan(0);
      for (const descriptor of descriptors) {
        expect(await client.headBlob(cacheRepository, descriptor.digest), descriptor.digest).toBe(
          descriptor.size,
        );
      }
    }
    // The leases really were down in those rounds, and the two runs really did build at the same time
    // (so the test could have caught a shared ref).
    expect(proxy.refused).toBeGreaterThan(0);
    expect(overlapping).toBeGreaterThan(0);
  }, 300_000);
});
