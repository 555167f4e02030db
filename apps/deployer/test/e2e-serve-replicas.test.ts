import { startPostgres } from '@deployer/local-postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvironmentJson, environmentOf, settled } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// Two `deployer serve` replicas on one real Postgres (Debian's, started here on loopback): each
// environment is built once, never twice at once, and a replica killed mid-build loses its claim of the
// environment to the other, which finishes the build.
const missing = missingBuildTools();
const repository = 'acme/shop';

/** Whether any two of the builds ran at the same time. */
function overlapping(builds: EnvironmentJson['builds']): boolean {
  const spans = builds
    .filter((build) => build.startedAt !== null && build.finishedAt !== null)
    .map((build) => [Date.parse(build.startedAt!), Date.parse(build.finishedAt!)] as const)
    .sort((a, b) => a[0] - b[0]);
  return spans.some((span, index) => index > 0 && span[0] < spans[index - 1]![1]);
}

describe.skipIf(missing.length > 0)(
  'deployer serve: two replicas on one Postgres',
  { timeout: 300_000 },
  () => {
    let stack: Stack;
    let postgres: Awaited<ReturnType<typeof startPostgres>>;
    let git: GitRepository;
    let replicas: ServeProcess[] = [];

    async function startReplica(name: string, claimSeconds = 4): Promise<ServeProcess> {
      const replica = await startServe({
        repositories: [{ name: repository, cloneUrl: git.cloneUrl }],
        env: await stack.env(),
        databaseUrl: postgres.url,
        replica: name,
        claimSeconds,
      });
      replicas.push(replica);
      return replica;
    }

    beforeAll(async () => {
      stack = await startStack();
      postgres = await startPostgres();
      git = await createGitRepository();
      await git.commit('main', previewFiles(stack.registry.host, 'main'), 'main');
    }, 180_000);

    afterAll(async () => {
      await Promise.all(replicas.map((replica) => replica.kill().catch(() => {})));
      await postgres?.stop();
      await stack?.stop();
    });

    it('builds each environment once when both replicas get the same events', async () => {
      const [a, b] = [await startReplica('replica-a'), await startReplica('replica-b')];
      const numbers = [11, 12, 13];
      const shas: Record<number, string> = {};
      for (const number of numbers) {
        shas[number] = await git.commit(
          `pr-${number}`,
          previewFiles(stack.registry.host, `pr-${number}`),
          `pr ${number}`,
        );
      }
      // GitHub redelivers: the same delivery id reaches both replicas, at once.
      await Promise.all(
        numbers.flatMap((number) => {
          const payload = pullRequestPayload({
            action: 'opened',
            repository,
            number,
            headSha: shas[number]!,
          });
          const deliveryId = `same-${number}`;
          return [a, b].map((replica) =>
            deliver(replica.url, 'pull_request', payload, { secret: webhookSecret, deliveryId }),
          );
        }),
      );
      for (const number of numbers) {
        const environment = await settled(
          a,
          { pullRequest: number },
          (found) => found.status === 'built',
          180_000,
        );
        expect(environment.builds).toHaveLength(1);
        expect(environment.builds[0]).toMatchObject({ sha: shas[number], status: 'succeeded' });
      }
      // Pushes to one pull request, spread over both replicas: builds of it never overlap in time.
      let head = shas[11]!;
      for (let round = 0; round < 4; round++) {
        head = await git.commit(
          'pr-11',
          previewFiles(stack.registry.host, `pr-11-${round}`),
          `round ${round}`,
        );
        const target = round % 2 === 0 ? a : b;
        await deliver(
          target.url,
          'pull_request',
          pullRequestPayload({ action: 'synchronize', repository, number: 11, headSha: head }),
          {
            secret: webhookSecret,
          },
        );
        await new Promise((resolve) => setTimeout(resolve, 700));
      }
      const last = await settled(
        a,
        { pullRequest: 11 },
        (found) => found.sha === head && found.builds[0]?.status === 'succeeded',
        180_000,
      );
      expect(overlapping(last.builds)).toBe(false);
      expect(new Set(last.builds.map((build) => build.replica)).size).toBeGreaterThanOrEqual(1);
      await Promise.all([a.stop(), b.stop()]);
      replicas = [];
    });

    it('moves a build to the other replica when its replica is killed mid-build', async () => {
      const a = await startReplica('replica-killed', 3);
      const slow = previewFiles(stack.registry.host, 'slow');
      slow['web/Dockerfile'] = slow['web/Dockerfile']!.replace(
        'RUN cat /srv/www/marker',
        'RUN sleep 6 && cat /srv/www/marker',
      );
      const sha = await git.commit('pr-21', slow, 'slow');
      await deliver(
        a.url,
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number: 21, headSha: sha }),
        {
          secret: webhookSecret,
        },
      );
      await settled(
        a,
        { pullRequest: 21 },
        (found) => found.builds[0]?.status === 'running' && found.builds[0]?.replica === 'replica-killed',
        60_000,
      );
      // The survivor runs beside it, then the building replica dies without a word (SIGKILL).
      const survivor = await startReplica('replica-survivor', 3);
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await a.kill();
      const finished = await settled(
        survivor,
        { pullRequest: 21 },
        (found) => found.status === 'built',
        180_000,
      );
      expect(finished.builds[0]).toMatchObject({ sha, status: 'succeeded', replica: 'replica-survivor' });
      expect(survivor.log()).toMatch(/taken over/);
      expect(overlapping(finished.builds)).toBe(false);
      expect(await environmentOf(survivor, { pullRequest: 21 })).toMatchObject({ status: 'built' });
      await survivor.stop();
    });
  },
);
