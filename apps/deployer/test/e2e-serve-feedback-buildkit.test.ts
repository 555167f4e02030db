import { randomBytes } from 'node:crypto';
import { startPostgres } from '@deployer/local-postgres';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildkitSkipReason } from './support/buildkit-daemon.js';
import { poolDaemons, testRegistry as registry } from './support/pool-fixture.js';
import { createBranchingRepository } from './support/serve/branching-repository.js';
import { type EnvironmentJson, settled } from './support/serve/environments.js';
import {
  buildLogLine,
  checkRunStates,
  type FeedbackWorld,
  feedbackFiles,
  feedbackServices,
  hookDeliveries,
  hookSecret,
  pinnedImages,
  servedDigest,
  startFeedbackWorld,
  statusUrl,
} from './support/serve/feedback-world.js';
import { apiToken, type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { pullRequestEvent } from './support/serve/warm-fixture.js';
import { deliver, type Json, pushPayload } from './support/serve/webhook-payloads.js';

// Issue 24 end to end, through the built `deployer serve` as shipped settings run it: two replicas on one
// Postgres, real git, registry and BuildKit builds on a pool of the test daemons, GitHub feedback as a
// GitHub App against a fake GitHub that validates every request against GitHub's OpenAPI description,
// and one outgoing HTTPS hook (a private CA) whose every delivery's signature is checked. Signed webhook →
// build → check run, comment and deployment → a new push updates the comment in place → close → the
// deployments inactive, the comment says torn down, `torn_down` delivered once. BuildKit over (mutual)
// TLS is covered by the Kubernetes-manifest suite; the shared test daemons here speak unix sockets.
const suite = 'the deployer serve GitHub feedback and hooks suite';
const poolMissing =
  poolDaemons.length < 2 ? 'DEPLOYER_TEST_BUILDKIT_HOSTS names fewer than 2 pool daemons' : undefined;
const skipReason = buildkitSkipReason(suite) ?? poolMissing;
if (skipReason !== undefined && skipReason === poolMissing) console.log(`skipping ${suite}: ${poolMissing}`);
const repository = 'acme/shop';
const number = 7;

describe.skipIf(skipReason !== undefined)(
  'deployer serve: GitHub feedback and outgoing hooks, two replicas on a BuildKit pool',
  { timeout: 300_000 },
  () => {
    const images = `feedback-${randomBytes(3).toString('hex')}`;
    const client = new RegistryClient({ host: registry, insecure: true, credentials: 'anonymous' });
    let world: FeedbackWorld;
    let postgres: Awaited<ReturnType<typeof startPostgres>>;
    let git: Awaited<ReturnType<typeof createBranchingRepository>>;
    const replicas: ServeProcess[] = [];

    beforeAll(async () => {
      world = await startFeedbackWorld();
      postgres = await startPostgres();
      git = await createBranchingRepository();
    }, 120_000);

    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.kill().catch(() => {})));
      await postgres?.stop();
      await world?.close();
      await git?.remove();
    });

    /** A replica as an operator runs one: the daemons named by flag (nothing from the test's environment). */
    const startReplica = async (name: string) => {
      const replica = await startServe({
        repositories: [
          {
            name: repository,
            cloneUrl: git.cloneUrl,
            registry: { host: registry, repository: images },
            github: world.githubConfig,
          },
        ],
        config: { hooks: world.hooks },
        env: {
          BUILDKIT_HOST: '',
          DEPLOYER_BUILDKIT_HOSTS: '',
          DEPLOYER_ENGINE: '',
          DEPLOYER_INSECURE_REGISTRIES: registry,
          ...world.env,
        },
        databaseUrl: postgres.url,
        replica: name,
        extraArgs: poolDaemons.flatMap((daemon) => ['--buildkit-host', daemon]),
      });
      replicas.push(replica);
      return replica;
    };

    const send = async (server: ServeProcess, event: string, payload: unknown) => {
      const delivered = await deliver(server.url, event, payload, { secret: webhookSecret });
      expect(delivered.status, JSON.stringify(delivered.body)).toBe(202);
    };

    const builtAt = (server: ServeProcess, sha: string) =>
      settled(
        server,
        { pullRequest: number },
        (found) => found.sha === sha && found.builds.some((b) => b.sha === sha && b.status === 'succeeded'),
        180_000,
      );

    const waitFor = <T>(check: () => T | Promise<T>) => vi.waitFor(check, { timeout: 30_000, interval: 250 });

    /** Each service's image@digest is what the registry serves, built on one of the pool's daemons. */
    const expectPushedOnThePool = async (environment: EnvironmentJson, sha: string) => {
      for (const service of environment.services) {
        expect(service.digest).toBe(await servedDigest(client, registry, service.image));
      }
      const build = environment.builds.find((b) => b.sha === sha && b.status === 'succeeded') as unknown as {
        engine: string;
        report: { services: Array<{ service: string; daemon?: string }> };
      };
      expect(build.engine).toBe('buildkit');
      expect(build.report.services.map((service) => service.service).sort()).toEqual(
        [...feedbackServices].sort(),
      );
      for (const service of build.report.services) expect(poolDaemons).toContain(service.daemon);
    };

    /** The head commit's one check run: queued, in progress, completed success, linking the environment. */
    const expectCheckRun = async (sha: string, buildUuid: string) => {
      const run = await waitFor(() => {
        const runs = world.github.checkRuns.filter((candidate) => candidate.head_sha === sha);
        expect(runs).toHaveLength(1);
        expect(runs[0]).toMatchObject({ status: 'completed', conclusion: 'success' });
        return runs[0]!;
      });
      const created = world.github.requests.find(
        (request) => request.operationId === 'checks/create' && (request.body as Json).head_sha === sha,
      );
      expect(created?.body).toMatchObject({ status: 'queued', head_sha: sha });
      expect(checkRunStates(world.github, run.id)).toEqual(['in_progress', 'success']);
      const page = `${statusUrl}/environments/${buildUuid}?repository=${encodeURIComponent(repository)}`;
      expect(run.details_url).toBe(page);
      return page;
    };

    /** The pull request's one comment, once it tells this build: returns it. */
    const theComment = (sha: string, headline: string) =>
      waitFor(() => {
        const comments = world.github.comments.filter((comment) => comment.issue === number);
        expect(comments).toHaveLength(1);
        expect(comments[0]!.body).toContain(headline);
        expect(comments[0]!.body).toContain(sha.slice(0, 12));
        return comments[0]!;
      });

    /** The build's one `built` delivery, signed with the secret, naming what the registry serves. */
    const expectBuiltHook = async (environment: EnvironmentJson, sha: string) => {
      const delivery = await waitFor(() => {
        const found = hookDeliveries(world, 'built', environment.buildUuid).filter(
          (candidate) => candidate.payload.sha === sha,
        );
        expect(found).toHaveLength(1);
        return found[0]!;
      });
      expect(delivery.verified).toBe(true);
      expect(delivery.headers['x-deployer-event']).toBe('built');
      expect(delivery.headers['x-deployer-delivery']).toBe(delivery.payload.deliveryId);
      expect(delivery.payload).toMatchObject({ repository, pullRequest: number, sha });
      const services = environment.services.map(({ service, image, digest }) => ({
        name: service,
        status: 'built',
        image,
        digest,
      }));
      expect(delivery.payload.services).toEqual(expect.arrayContaining(services));
      expect(delivery.payload.services).toHaveLength(services.length);
      for (const service of feedbackServices) expect(delivery.body).not.toContain(buildLogLine(service));
    };

    it('tells a pull request’s life on GitHub and to the hook, once, from either replica', async () => {
      const a = await startReplica('feedback-a');
      const b = await startReplica('feedback-b');

      // The default branch builds the fallback: a hook hears it, GitHub hears nothing (no pull request).
      const mainSha = await git.commit('main', feedbackFiles(registry, 'main'), 'main');
      await send(a, 'push', pushPayload({ repository, branch: 'main', after: mainSha }));
      await settled(a, { buildUuid: 'main' }, (found) => found.status === 'built', 180_000);
      await waitFor(() => expect(hookDeliveries(world, 'built', 'main')).toHaveLength(1));

      // Opened, delivered to the other replica; built on the pool by whichever replica claims it.
      const head = await git.commit('feature', feedbackFiles(registry, 'one'), 'one');
      await send(
        b,
        'pull_request',
        pullRequestEvent({ action: 'opened', repository, number, headSha: head, head: 'feature' }),
      );
      const first = await builtAt(a, head);
      const buildUuid = first.buildUuid;
      await expectPushedOnThePool(first, head);
      const page = await expectCheckRun(head, buildUuid);
      // The link is the environment's page on the server (the public URL is the operator's).
      const pageResponse = await fetch(new URL(new URL(page).pathname + new URL(page).search, a.url));
      expect(pageResponse.status).toBe(200);
      const comment = await theComment(head, '✅ built');
      expect(comment.body).toContain(`<!-- deployer:environment ${buildUuid} -->`);
      for (const image of pinnedImages(first)) expect(comment.body).toContain(image);
      for (const service of feedbackServices) expect(comment.body).not.toContain(buildLogLine(service));
      await waitFor(() => {
        const deployments = world.github.deployments.filter((d) => d.environment === buildUuid);
        expect(deployments).toHaveLength(1);
        expect(deployments[0]).toMatchObject({ ref: head, transient: true });
        expect(deployments[0]!.statuses).toEqual(['in_progress', 'success']);
      });
      await expectBuiltHook(first, head);

      // A new commit, delivered to the first replica: the same comment, updated in place.
      const next = await git.commit('feature', feedbackFiles(registry, 'two'), 'two');
      await send(
        a,
        'pull_request',
        pullRequestEvent({ action: 'synchronize', repository, number, headSha: next, head: 'feature' }),
      );
      const second = await builtAt(b, next);
      expect(second.buildUuid).toBe(buildUuid);
      await expectPushedOnThePool(second, next);
      await expectCheckRun(next, buildUuid);
      const updated = await theComment(next, '✅ built');
      expect(updated.id).toBe(comment.id);
      for (const image of pinnedImages(second)) expect(updated.body).toContain(image);
      for (const image of pinnedImages(first)) expect(updated.body).not.toContain(image);
      await expectBuiltHook(second, next);

      // Closed: every deployment of the environment inactive, the comment says so, `torn_down` once.
      await send(
        b,
        'pull_request',
        pullRequestEvent({ action: 'closed', repository, number, headSha: next, head: 'feature' }),
      );
      await settled(a, { pullRequest: number }, (found) => found.status === 'deleted', 120_000);
      await waitFor(() => {
        const deployments = world.github.deployments.filter((d) => d.environment === buildUuid);
        expect(deployments.map((deployment) => deployment.statuses)).toEqual([
          ['in_progress', 'success', 'inactive'],
          ['in_progress', 'success', 'inactive'],
        ]);
      });
      const tornDown = await theComment(next, '🧹 torn down');
      expect(tornDown.id).toBe(comment.id);
      const gone = await waitFor(() => {
        const found = hookDeliveries(world, 'torn_down', buildUuid);
        expect(found).toHaveLength(1);
        return found[0]!;
      });
      expect(gone.verified).toBe(true);
      expect(gone.payload).toMatchObject({ pullRequest: number, services: [] });

      // Each delivery is recorded once, whichever replica is asked; no receiver saw a bad signature.
      const recorded = await b.api('/api/hooks/deliveries');
      expect(recorded.status).toBe(200);
      const ours = (recorded.body.deliveries as Json[]).filter((d) => d.buildUuid === buildUuid);
      expect(ours.map((d) => `${d.event} ${d.outcome}`).sort()).toEqual([
        'built delivered',
        'built delivered',
        'torn_down delivered',
      ]);
      expect(world.receiver.received.every((delivery) => delivery.verified)).toBe(true);
      expect(world.receiver.received).toHaveLength(4); // main built, #7 built twice, torn down
      expect(world.github.checkRuns.filter((run) => run.head_sha === mainSha)).toEqual([]);
      expect(world.github.problems).toEqual([]);
      expect(world.github.authProblems).toEqual([]);

      // No credential in either replica's log: neither the server's, the App's key, its tokens nor the hook's.
      expect(await Promise.all([a.stop(), b.stop()])).toEqual([0, 0]);
      expect(a.log() + b.log()).toContain('hook delivered');
      const keyLines = world.privateKeyPem.split('\n').filter((line) => line.length > 40);
      for (const replica of [a, b]) {
        const log = replica.log();
        // And nothing GitHub or the receiver refused along the way.
        expect(log).not.toMatch(
          /"msg":"(github [a-z-]+ failed|hook delivery (failed|retried|not recorded))"/,
        );
        for (const secret of [webhookSecret, apiToken, hookSecret, world.privateKeyPem, ...keyLines]) {
          expect(log).not.toContain(secret);
        }
        expect(log).not.toMatch(/ghs_\d{36}/); // the installation tokens the fake GitHub issued
      }
    });
  },
);
