import { startPostgres } from '@deployer/local-postgres';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type OwnBuildkitDaemon,
  ownBuildkitSkipReason,
  startOwnBuildkitDaemon,
} from './support/own-buildkit-daemon.js';
import { settled } from './support/serve/environments.js';
import { expectTornDownAfter, fastForwardMerge } from './support/serve/fast-forward-merge.js';
import type { ServeProcess } from './support/serve/serve-process.js';
import { cachedSteps, importOrderOf, pullRequestEvent } from './support/serve/warm-fixture.js';
import { warmRepository as repository, startWarmCase, type WarmCase } from './support/serve/warm-suite.js';
import { pushPayload } from './support/serve/webhook-payloads.js';

// Merges through two `deployer serve` replicas on one Postgres, real git, registry and BuildKit (the
// suite's own daemon, pruned before each measured build): `closed` reaches one replica and `push` the
// other. A fast-forward merge leaves main's cache as fresh as the merge; a merge commit (main moved on
// meanwhile) builds new content, importing main's own cache and then the merged pull request's.
const registry = process.env.DEPLOYER_TEST_REGISTRY!;
const skipReason = ownBuildkitSkipReason('the deployer serve warm-merge replicas BuildKit suite');

describe.skipIf(skipReason !== undefined)(
  'deployer serve with BuildKit: merges through two replicas on one Postgres',
  { timeout: 240_000 },
  () => {
    let daemon: OwnBuildkitDaemon;
    let postgres: Awaited<ReturnType<typeof startPostgres>> | undefined;
    let warm: WarmCase | undefined;

    /** Two replicas of one server config on a Postgres of the case's own. */
    async function replicas(name: string): Promise<[ServeProcess, ServeProcess]> {
      postgres = await startPostgres();
      const a = await warm!.serve({ databaseUrl: postgres.url, replica: `${name}-a` });
      const b = await warm!.serve({ databaseUrl: postgres.url, replica: `${name}-b` });
      return [a, b];
    }

    beforeAll(async () => {
      daemon = await startOwnBuildkitDaemon(registry);
    }, 120_000);

    afterEach(async () => {
      await warm?.stop();
      await postgres?.stop();
      warm = undefined;
      postgres = undefined;
    });

    afterAll(async () => {
      await daemon?.stop();
    });

    it('follows a fast-forward merge whose closed and push reach different replicas', async () => {
      warm = await startWarmCase(registry, daemon);
      await fastForwardMerge(warm, await replicas('fast-forward'), 'closed-then-push');
    });

    it("imports the merged pull request's cache after main's own when the merge is new content", async () => {
      warm = await startWarmCase(registry, daemon);
      const [a, b] = await replicas('merge-commit');
      const mainAt = (sha: string) => () =>
        warm!.send(a, 'push', pushPayload({ repository, branch: 'main', after: sha }));
      const first = await warm.commit('main', { marker: 'A' });
      await warm.measured(a, { buildUuid: 'main' }, first, mainAt(first));

      // #1 changes each service's marker; meanwhile main changes each service's last step.
      const head = await warm.commit('feature-1', { marker: 'B' });
      const one = await warm.measured(a, { pullRequest: 1 }, head, () =>
        warm!.send(
          a,
          'pull_request',
          pullRequestEvent({ action: 'opened', repository, number: 1, headSha: head, head: 'feature-1' }),
        ),
      );
      const moved = await warm.commit('main', { marker: 'A', last: 'moved' });
      await warm.measured(a, { buildUuid: 'main' }, moved, mainAt(moved));

      // The merge commit holds #1's marker and main's last step: content neither has built.
      const merge = await warm.git.mergeCommit('main', 'feature-1', 'Merge pull request #1');
      expect(await warm.git.parents(merge)).toEqual([moved, head]);
      const built = await warm.measured(a, { buildUuid: 'main' }, merge, async () => {
        await warm!.send(
          a,
          'pull_request',
          pullRequestEvent({
            action: 'closed',
            repository,
            number: 1,
            headSha: head,
            head: 'feature-1',
            mergeCommitSha: merge,
          }),
        );
        await warm!.send(b, 'push', pushPayload({ repository, branch: 'main', after: merge }));
      });
      expect(importOrderOf(built.report)).toEqual([
        'main (its own cache)',
        `${one.environment.buildUuid} (merged pull request #1)`,
      ]);
      // main's own cache (at `moved`) holds steps 1–3 of each service; #1's holds 1–4 (its marker).
      expect(built.report.services.map((service) => service.status)).toEqual(['built', 'built']);
      expect(cachedSteps(built.report)).toBe('8/10');

      // #1 is torn down once main's build has used its caches.
      const gone = await settled(a, { pullRequest: 1 }, (found) => found.status === 'deleted', 60_000);
      const used = built.environment.builds.find((build) => build.sha === merge && build.kind === 'build')!;
      expectTornDownAfter(gone, used, one.environment.buildUuid);
      expect(await warm.leftovers(one.environment.buildUuid)).toEqual([]);
    });
  },
);
