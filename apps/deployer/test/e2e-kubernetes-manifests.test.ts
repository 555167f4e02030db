import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LocalPostgres, startPostgres } from '@deployer/local-postgres';
import { RegistryClient } from '@deployer/registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  makeCertsScript,
  type RenderedManifests,
  readRenderedManifests,
} from '../../../kubernetes/test/support/rendered.js';
import { type LoopbackDns, startLoopbackDns } from '../../../packages/buildkit-pool/test/support/dnsmasq.js';
import { bundlePath } from './run-cli.js';
import { seedBusyboxThroughBuildkit } from './support/buildkit-daemon.js';
import {
  oneMachineSkipReason,
  runLocal,
  type Started,
  sharedBuildkit,
  startLocal,
  stopAllLocal,
} from './support/kubernetes/local-processes.js';
import {
  type LocalOneShot,
  mapManifestsToOneMachine,
  type OneMachine,
} from './support/kubernetes/one-machine.js';
import type { EnvironmentJson } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { deliver, pullRequestPayload, pushPayload } from './support/serve/webhook-payloads.js';

// The manifests in kubernetes/*.yaml, run whole on this machine: the buildkitd StatefulSet's three daemons
// (mutual TLS on TCP, certificates made by kubernetes/make-certs.sh as the README tells an operator), the
// serve Deployment's two replicas on one Postgres, building a signed pull request on that pool, and the
// build Job's and cache gc CronJob's argv against the same pool and registry. Every argv, variable and
// file comes from the rendered YAML; support/kubernetes/one-machine.ts maps what one machine must (pod
// addresses, volumes, cluster DNS), each with its reason. When the code and the manifests drift, this fails.
const registry = process.env.DEPLOYER_TEST_REGISTRY ?? '';
const skipReason = await oneMachineSkipReason('the Kubernetes manifests end-to-end suite');
const webhookSecret = `k8s-webhook-${randomBytes(12).toString('hex')}`;
const apiToken = `k8s-api-${randomBytes(12).toString('hex')}`;

/** Each key of a folder as a Secret made with `kubectl create secret generic NAME --from-file=DIR` holds it. */
async function folderData(dir: string): Promise<Record<string, string>> {
  const names = await readdir(dir);
  return Object.fromEntries(
    await Promise.all(names.map(async (name) => [name, await readFile(join(dir, name), 'utf8')])),
  );
}

/**
 * Polls `probe` until it returns something; a pod that died meanwhile ends the wait with its log, and so
 * does an error the probe throws.
 */
async function waitUntil<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  pods: Started[],
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    const dead = pods.find((pod) => !pod.running());
    if (dead !== undefined)
      throw new Error(`${dead.pod} exited while waiting for ${what}:\n${dead.log().slice(-4000)}`);
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe.skipIf(skipReason !== undefined)(
  'the Kubernetes manifests run whole on one machine: a BuildKit pool over mutual TLS, serve, the Job and the CronJob',
  { timeout: 180_000 },
  () => {
    const run = randomBytes(3).toString('hex');
    let scratch: string;
    let seedScratch: string | undefined;
    let manifests: RenderedManifests;
    let machine: OneMachine;
    let dns: LoopbackDns | undefined;
    let postgres: LocalPostgres | undefined;
    let git: GitRepository;
    let buildkitBin: string;
    let daemons: Started[] = [];
    let replicas: Started[] = [];
    const client = new RegistryClient({ host: registry, insecure: true, credentials: 'anonymous' });
    const tags = async (name: string) => (await client.listTags(name).catch(() => [])).sort();
    const certs = () => join(scratch, 'certs');

    beforeAll(async () => {
      scratch = await mkdtemp(join(tmpdir(), 'deployer-k8s-'));
      manifests = await readRenderedManifests();
      // The pool's TLS material, made exactly as kubernetes/README.md tells an operator to.
      await execa('bash', [makeCertsScript, certs()]);
      buildkitBin = (await execa('bash', [join(sharedBuildkit, 'build')])).stdout.trim();
      postgres = await startPostgres();
      git = await createGitRepository();
      const resolvConf = join(scratch, 'resolv.conf');
      machine = await mapManifestsToOneMachine(manifests, {
        dir: join(scratch, 'pods'),
        // The Secrets kubernetes/README.md has the operator create, with these keys.
        secrets: {
          'buildkitd-server-tls': await folderData(join(certs(), 'server')),
          'buildkitd-client-tls': await folderData(join(certs(), 'client')),
          'deployer-registry-credentials': { '.dockerconfigjson': JSON.stringify({ auths: {} }) },
          'deployer-serve': {
            'webhook-secret': webhookSecret,
            'api-token': apiToken,
            'database-url': postgres.url,
          },
        },
        buildkitBin,
        registry,
        cloneUrl: git.cloneUrl,
        resolvConf,
      });
      // The cluster's DNS for the headless Service, answered by dnsmasq on loopback.
      dns = await startLoopbackDns(machine.dnsRecords);
      await writeFile(resolvConf, `nameserver ${dns.server}\n`);

      daemons = machine.daemons.map(startLocal);
      // Ready as the kubelet sees it: the StatefulSet's readiness probe, run inside the "container".
      await Promise.all(
        machine.daemons.map(({ pod, readiness }) =>
          waitUntil(
            `${pod} ready`,
            async () =>
              (
                await execa(readiness.file, readiness.args, {
                  env: readiness.env,
                  extendEnv: false,
                  reject: false,
                })
              ).exitCode === 0
                ? true
                : undefined,
            daemons,
          ),
        ),
      );
      // The base image the services build FROM, pushed through the first daemon over TLS.
      seedScratch = await seedBusyboxThroughBuildkit(
        registry,
        {
          BUILDKIT_HOST: machine.daemons[0]!.address,
          DEPLOYER_BUILDKIT_TLS_DIR: join(certs(), 'client'),
          DEPLOYER_BUILDKIT_TLS_SERVER_NAME: machine.buildJob.env.DEPLOYER_BUILDKIT_TLS_SERVER_NAME ?? '',
          PATH: `${buildkitBin}:${process.env.PATH}`,
        },
        `k8s-${run}`,
      );
      replicas = machine.replicas.map(startLocal);
      await Promise.all(
        machine.replicas.map(({ pod, readyUrl }) =>
          waitUntil(
            `${pod} ready (${readyUrl})`,
            // Refused until it listens: not ready yet.
            async () => ((await fetch(readyUrl).catch(() => undefined))?.ok ? true : undefined),
            replicas,
          ),
        ),
      );
    }, 170_000);

    afterAll(async () => {
      await stopAllLocal();
      await dns?.stop();
      await postgres?.stop();
      if (seedScratch) await rm(seedScratch, { recursive: true, force: true });
      // createGitRepository's folder: origin.git's parent.
      if (git) await rm(dirname(fileURLToPath(git.cloneUrl)), { recursive: true, force: true });
      if (scratch) await rm(scratch, { recursive: true, force: true });
    }, 200_000);

    it('starts the daemons with the StatefulSet’s args, answering only clients the CA signed', async () => {
      const client = join(certs(), 'client');
      const serverName = machine.buildJob.env.DEPLOYER_BUILDKIT_TLS_SERVER_NAME!;
      expect(machine.daemons.map((daemon) => daemon.address)).toEqual([
        'tcp://127.0.0.1:1234',
        'tcp://127.0.0.2:1234',
        'tcp://127.0.0.3:1234',
      ]);
      for (const daemon of machine.daemons) {
        const tls = [
          '--addr',
          daemon.address,
          '--tlsservername',
          serverName,
          '--tlscacert',
          join(client, 'ca.pem'),
        ];
        const workers = await execa(join(buildkitBin, 'buildctl'), [
          ...tls,
          '--tlscert',
          join(client, 'cert.pem'),
          '--tlskey',
          join(client, 'key.pem'),
          'debug',
          'workers',
          '-v',
        ]);
        // deployer.cpus=$(CPUS), CPUS from the container's CPU limit.
        const limit =
          manifests.buildkitdStatefulSet.spec!.template.spec!.containers[0]!.resources!.limits!.cpu;
        expect(workers.stdout).toMatch(new RegExp(`deployer\\.cpus:\\s+${limit}\\b`));
        // Mutual TLS: without a client certificate the daemon does not answer.
        const anonymous = await execa(join(buildkitBin, 'buildctl'), [...tls, 'debug', 'workers'], {
          reject: false,
        });
        expect(anonymous.exitCode).not.toBe(0);
      }
    });

    it('sets deployer only variables it reads', async () => {
      // A variable deployer never reads would pass unnoticed below; each must be one the built command
      // knows by name, unless the container's own args use it ($(POD_NAME)).
      const bundle = await readFile(bundlePath, 'utf8');
      const containers = [
        manifests.serveDeployment.spec!.template.spec!,
        manifests.buildJob.spec!.template.spec!,
        manifests.cacheGcCronJob.spec!.jobTemplate.spec!.template.spec!,
      ].map((spec) => spec.containers[0]!);
      for (const container of containers) {
        for (const { name } of container.env ?? []) {
          if ((container.args ?? []).some((arg) => arg.includes(`$(${name})`))) continue;
          expect(bundle, `${container.name}: ${name}`).toContain(name);
        }
      }
    });

    it('serves a signed pull request on the pool over TLS: built, pushed again, closed and torn down', async () => {
      // Both replicas ready and alive, as the Deployment's probes ask.
      for (const replica of machine.replicas) {
        expect((await fetch(replica.readyUrl)).status).toBe(200);
        expect((await fetch(replica.liveUrl)).status).toBe(200);
      }
      const repository = machine.serverConfig.repositories[0]!;
      const name = repository.name as string;
      const images = (repository.registry as { repository: string }).repository;
      const label = repository.label as string | undefined;
      const labels = label === undefined ? [] : [label];
      const fallback = (repository.fallback as string | undefined) ?? 'main';
      const [a, b] = machine.replicas as [OneMachine['replicas'][0], OneMachine['replicas'][0]];
      const pool = machine.daemons.map((daemon) => daemon.address);
      const podNames = machine.replicas.map((replica) => replica.pod);
      const api = async (url: string, path: string) => {
        const response = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${apiToken}` } });
        return (await response.json()) as { environments?: EnvironmentJson[] } & EnvironmentJson;
      };
      const environment = async (url: string, match: (found: EnvironmentJson) => boolean) => {
        const found = (await api(url, '/api/environments')).environments?.find(match);
        return (
          found &&
          (await api(url, `/api/environments/${found.buildUuid}?repository=${encodeURIComponent(name)}`))
        );
      };
      // Waits until a build of `sha` has succeeded; a failed build ends the wait, saying why.
      const built = (url: string, match: (found: EnvironmentJson) => boolean, sha: string) =>
        waitUntil(
          `a build of ${sha.slice(0, 8)}`,
          async () => {
            const found = await environment(url, match);
            const failed = found?.builds.find((build) => build.sha === sha && build.status === 'failed');
            if (failed !== undefined) throw new Error(`build of ${sha} failed: ${failed.error}`);
            return found?.builds.some((build) => build.sha === sha && build.status === 'succeeded')
              ? found
              : undefined;
          },
          replicas,
          90_000,
        ).catch((error: Error) => expect.fail(error.message));
      // Each build ran on BuildKit, on a daemon of the pool, by one of the replicas.
      const onThePool = (found: EnvironmentJson, sha: string) => {
        const build = found.builds.find(
          (candidate) => candidate.sha === sha && candidate.status === 'succeeded',
        ) as EnvironmentJson['builds'][number] & {
          report: { services: Array<{ service: string; daemon?: string; daemonsTried?: string[] }> };
        };
        expect(build.engine).toBe('buildkit');
        expect(podNames).toContain(build.replica);
        expect(build.report.services.length).toBeGreaterThan(0);
        for (const service of build.report.services) {
          expect(pool).toContain(service.daemon);
          for (const tried of service.daemonsTried ?? []) expect(pool).toContain(tried);
        }
      };
      const files = (marker: string) => previewFiles(registry, `${marker}-${run}`, { repository: images });
      const signed = { secret: webhookSecret };

      // A push to the default branch builds the fallback environment (through the first replica).
      const mainSha = await git.commit('main', files('main'), 'main');
      expect(
        (
          await deliver(
            a.url,
            'push',
            pushPayload({ repository: name, branch: 'main', after: mainSha }),
            signed,
          )
        ).status,
      ).toBe(202);
      onThePool(await built(a.url, (found) => found.buildUuid === fallback, mainSha), mainSha);
      const mainImages = await tags(`${images}/web`);
      const mainCache = await tags(`${images}/cache/web/${fallback}`);
      expect(mainImages).toContain(fallback);
      expect(mainCache).toContain('cache');

      // A labelled pull request opened (through the second replica: the Service balances) gets its environment.
      const number = 42;
      const isPr = (found: EnvironmentJson) => found.pullRequest === number && found.repository === name;
      const head = await git.commit(`feature-${run}`, files('feature'), 'feature');
      const opened = await deliver(
        b.url,
        'pull_request',
        pullRequestPayload({ action: 'opened', repository: name, number, headSha: head, labels }),
        signed,
      );
      expect(opened.status).toBe(202);
      const buildUuid = opened.body.buildUuid as string;
      onThePool(await built(a.url, isPr, head), head);
      expect(await tags(`${images}/web`)).toContain(buildUuid);
      expect(await tags(`${images}/cache/web/${buildUuid}`)).toContain('cache');

      // synchronize: the new head is built in the same environment.
      const next = await git.commit(`feature-${run}`, { 'web/marker': `feature-2-${run}\n` }, 'feature 2');
      await deliver(
        a.url,
        'pull_request',
        pullRequestPayload({ action: 'synchronize', repository: name, number, headSha: next, labels }),
        signed,
      );
      const synchronized = await built(b.url, isPr, next);
      onThePool(synchronized, next);
      expect(synchronized.buildUuid).toBe(buildUuid);
      expect(synchronized.sha).toBe(next);

      // closed: the teardown removes the pull request's images and caches, never main's.
      await deliver(
        b.url,
        'pull_request',
        pullRequestPayload({ action: 'closed', repository: name, number, headSha: next, labels }),
        signed,
      );
      await waitUntil(
        'the teardown',
        async () => ((await environment(a.url, isPr))?.status === 'deleted' ? true : undefined),
        replicas,
        60_000,
      );
      expect(await tags(`${images}/web`)).not.toContain(buildUuid);
      expect(await tags(`${images}/cache/web/${buildUuid}`)).toEqual([]);
      expect(await tags(`${images}/web`)).toContain(fallback);
      expect(await tags(`${images}/cache/web/${fallback}`)).toEqual(mainCache);
    });

    it('runs the build Job’s and the cache gc CronJob’s argv against the same pool and registry', async () => {
      const images = (machine.serverConfig.repositories[0]!.registry as { repository: string }).repository;
      // The checkout in /workspace (the CI system's, or an init container's): the spec at its root, as the
      // Job's `-f env.yaml` names it, sending images to the registry serve uses.
      const checkout = async (job: LocalOneShot) => {
        const files = previewFiles(registry, `job-${run}`, { repository: images });
        await mkdir(join(job.workspace, 'web'), { recursive: true });
        await writeFile(join(job.workspace, 'web', 'Dockerfile'), files['web/Dockerfile']);
        await writeFile(join(job.workspace, 'web', 'marker'), files['web/marker']);
        await writeFile(
          join(job.workspace, 'env.yaml'),
          [
            `registry: { host: ${registry}, repository: ${images}, insecure: true }`,
            'services:',
            '  web:',
            '    context: web',
            `    args: { BUSYBOX_IMAGE: ${registry}/base/busybox:latest }`,
            '',
          ].join('\n'),
        );
      };
      const { buildJob, cacheGc } = machine;
      // The Job's build uuid, as it says (README: set it per environment).
      expect(buildJob.args).toContain('--uuid');
      const uuid = buildJob.args[buildJob.args.indexOf('--uuid') + 1]!;

      await checkout(buildJob);
      const build = await runLocal(buildJob, 150_000);
      expect(build.exitCode, `${build.stdout}\n${build.stderr}`).toBe(0);
      // Engine auto: BuildKit, since DEPLOYER_BUILDKIT_HOSTS names the daemons.
      expect(build.stdout).toMatch(new RegExp(`environment ${uuid}\\s+engine buildkit\\b`));
      // The report's row for web: built, by a daemon of the pool (the DAEMON column only a pool has).
      const row = build.stdout.split('\n').find((line) => /^web\s/.test(line));
      expect(row).toMatch(/\bbuilt\b/);
      expect(machine.daemons.map((daemon) => daemon.address)).toContain(/tcp:\/\/\S+/.exec(row ?? '')?.[0]);
      expect(await tags(`${images}/web`)).toContain(uuid);
      expect(await tags(`${images}/cache/web/${uuid}`)).toContain('cache');

      await checkout(cacheGc);
      const gc = await runLocal(cacheGc, 60_000);
      expect(gc.exitCode, `${gc.stdout}\n${gc.stderr}`).toBe(0);
      // It saw the caches the pool's builds exported, and kept them: none is 14 days old.
      expect(gc.stdout).toMatch(/^cutoff /m);
      const ref = `${registry}/${images}/cache/web/${uuid}:cache`;
      expect(gc.stdout.split('\n').find((line) => line.includes(ref))).toMatch(/keep/);
      expect(gc.stdout).not.toMatch(/\bdeleted\b/);
    });

    it('drains the replicas on SIGTERM and exits 0', async () => {
      for (const replica of replicas) expect(await replica.stop()).toMatchObject({ exitCode: 0 });
    });
  },
);
