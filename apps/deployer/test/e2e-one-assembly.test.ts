import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { buildkitSkipReason, seedBusyboxThroughBuildkit } from './support/buildkit-daemon.js';
import { poolDaemons, testRegistry } from './support/pool-fixture.js';
import { settled } from './support/serve/environments.js';
import { createGitRepository, previewFiles } from './support/serve/git-repository.js';
import { startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload, pushPayload } from './support/serve/webhook-payloads.js';

// One assembly of engines for every entry point: each way of naming BuildKit daemons means the same to
// `deployer build` and to `deployer serve` — engine `auto` builds on those daemons, through a pool — with
// no BUILDKIT_HOST anywhere. Before, `auto` looked only at the environment, and serve at neither flags
// nor TLS: the same settings built with buildah, or could not reach the pool.
const skipReason =
  buildkitSkipReason('the one-assembly suite') ??
  (poolDaemons.length < 2 ? 'DEPLOYER_TEST_BUILDKIT_HOSTS names fewer than 2 pool daemons' : undefined);
const repository = 'acme/shop';

/** No daemon named by the environment the tests run in: only what each case names. */
const unset = { BUILDKIT_HOST: '', DEPLOYER_BUILDKIT_HOSTS: '', DEPLOYER_ENGINE: '' };

describe.skipIf(skipReason !== undefined)(
  'engine settings through build and serve',
  { timeout: 300_000 },
  () => {
    const run = randomBytes(3).toString('hex');
    const images = `assembly-${run}`;
    let scratch: string;
    let spec: string;

    beforeAll(async () => {
      scratch = await seedBusyboxThroughBuildkit(testRegistry, { BUILDKIT_HOST: poolDaemons[0]! }, run);
      const files = previewFiles(testRegistry, `cli-${run}`, { repository: images });
      for (const [path, content] of Object.entries(files)) {
        const file = join(scratch, 'repo', path);
        await mkdir(join(file, '..'), { recursive: true });
        await writeFile(file, content);
      }
      spec = join(scratch, 'repo', 'deploy', 'env.yaml');
    }, 180_000);

    afterAll(async () => {
      if (scratch) await rm(scratch, { recursive: true, force: true });
    });

    const settings: Array<[string, string[], Record<string, string>]> = [
      ['--buildkit-host, repeated', poolDaemons.flatMap((host) => ['--buildkit-host', host]), {}],
      ['DEPLOYER_BUILDKIT_HOSTS', [], { DEPLOYER_BUILDKIT_HOSTS: poolDaemons.join(',') }],
    ];

    it.each(settings)(
      '%s: deployer build builds with BuildKit on those daemons',
      async (_name, flags, env) => {
        const uuid = `assembly-${run}-${flags.length > 0 ? 'flag' : 'env'}`;
        const result = await runCli(
          [
            'build',
            '-f',
            spec,
            '--root',
            join(scratch, 'repo'),
            '--uuid',
            uuid,
            '--no-fallbacks',
            '--force',
            '--json',
            ...flags,
          ],
          { env: { ...unset, DEPLOYER_INSECURE_REGISTRIES: testRegistry, ...env } },
        );
        expect(result.exitCode, result.stderr).toBe(0);
        const report = JSON.parse(result.stdout) as {
          engine: string;
          services: Array<{ daemon?: string }>;
        };
        expect(report.engine).toBe('buildkit');
        expect(poolDaemons).toContain(report.services[0]!.daemon);
      },
    );

    it.each(settings)(
      '%s: deployer serve builds with BuildKit on those daemons',
      async (_name, flags, env) => {
        const git = await createGitRepository();
        const server = await startServe({
          repositories: [
            {
              name: repository,
              cloneUrl: git.cloneUrl,
              registry: { host: testRegistry, repository: images },
            },
          ],
          env: { ...unset, DEPLOYER_INSECURE_REGISTRIES: testRegistry, ...env },
          extraArgs: flags,
        });
        try {
          const files = (marker: string) => previewFiles(testRegistry, marker, { repository: images });
          const mainSha = await git.commit('main', files(`main-${run}`), 'main');
          await deliver(server.url, 'push', pushPayload({ repository, branch: 'main', after: mainSha }), {
            secret: webhookSecret,
          });
          await settled(server, { buildUuid: 'main' }, (found) => found.status === 'built');
          const head = await git.commit('feature', files(`pr-${run}-${flags.length}`), 'feature');
          await deliver(
            server.url,
            'pull_request',
            pullRequestPayload({ action: 'opened', repository, number: 5, headSha: head }),
            { secret: webhookSecret },
          );
          const built = await settled(server, { pullRequest: 5 }, (found) => found.status === 'built');
          const build = built.builds[0] as unknown as {
            engine: string;
            report: { services: Array<{ daemon?: string }> };
          };
          expect(build.engine).toBe('buildkit');
          expect(poolDaemons).toContain(build.report.services[0]!.daemon);
        } finally {
          await server.stop();
        }
      },
    );

    it('serve refuses a malformed daemon before it starts, naming the flag (exit 2)', async () => {
      const dir = await mkdtemp(join(tmpdir(), 'deployer-assembly-serve-'));
      try {
        const config = join(dir, 'server.yaml');
        await writeFile(
          config,
          JSON.stringify({
            repositories: [
              { name: repository, spec: 'env.yaml', registry: { host: testRegistry, repository: images } },
            ],
          }),
        );
        const result = await runCli(
          ['serve', '-c', config, '--state-dir', join(dir, 'state'), '--buildkit-host', 'tcp://buildkitd'],
          { env: { ...unset, DEPLOYER_WEBHOOK_SECRET: webhookSecret, DEPLOYER_API_TOKEN: webhookSecret } },
        );
        expect(result.exitCode).toBe(2);
        expect(result.stderr).toContain('--buildkit-host "tcp://buildkitd": tcp:// needs host:port');
        expect(await readdir(dir)).toEqual(['server.yaml']); // no state folder: nothing started
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  },
);
