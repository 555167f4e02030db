import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type OwnBuildkitDaemon,
  ownBuildkitSkipReason,
  startOwnBuildkitDaemon,
} from './support/own-buildkit-daemon.js';
import type { ServeProcess } from './support/serve/serve-process.js';
import { cachedSteps, importOrderOf, pullRequestEvent } from './support/serve/warm-fixture.js';
import { warmRepository as repository, startWarmCase, type WarmCase } from './support/serve/warm-suite.js';
import { pushPayload } from './support/serve/webhook-payloads.js';

// Base branches other than main, through `deployer serve` with real git, registry and BuildKit (the
// suite's own daemon, pruned before each measured build): a release branch the server config names gets
// an environment of its own, and a pull request into it warms from it first; a pull request stacked on
// another one's branch warms from that pull request's environment first. Each case's figure, 8 of 10
// steps cached, is one only the nearer cache gives: main's gives 6.
const registry = process.env.DEPLOYER_TEST_REGISTRY!;
const skipReason = ownBuildkitSkipReason('the deployer serve warm-branches BuildKit suite');

describe.skipIf(skipReason !== undefined)(
  'deployer serve with BuildKit: pull requests warm from their base branches',
  { timeout: 240_000 },
  () => {
    let daemon: OwnBuildkitDaemon;
    let warm: WarmCase;
    let server: ServeProcess;

    const opened = (number: number, headSha: string, head: string, base: string) => () =>
      warm.send(
        server,
        'pull_request',
        pullRequestEvent({ action: 'opened', repository, number, headSha, head, base }),
      );

    beforeAll(async () => {
      daemon = await startOwnBuildkitDaemon(registry);
      warm = await startWarmCase(registry, daemon);
      server = await warm.serve({ branches: ['main', 'release/*'] });
      const main = await warm.commit('main', { marker: 'A' });
      await warm.measured(server, { buildUuid: 'main' }, main, () =>
        warm.send(server, 'push', pushPayload({ repository, branch: 'main', after: main })),
      );
    }, 180_000);

    afterAll(async () => {
      await warm?.stop();
      await daemon?.stop();
    });

    it("builds a release branch's environment and warms a pull request into it from there first", async () => {
      const release = await warm.commit('release/1.4', { marker: 'R' });
      await daemon.prune();
      const pushed = await warm.send(
        server,
        'push',
        pushPayload({ repository, branch: 'release/1.4', after: release }),
      );
      const releaseUuid = pushed.buildUuid as string;
      expect(releaseUuid).toMatch(/^[a-z0-9][a-z0-9-]*$/);
      expect(releaseUuid).not.toBe('main');
      const branch = await warm.built(server, { buildUuid: releaseUuid }, release);
      expect(branch.environment.kind).toBe('fallback');
      expect(branch.report.services.map((service) => service.status)).toEqual(['built', 'built']);

      // A fix into release/1.4 changes each service's last step: the release's cache holds the rest.
      const fix = await warm.commit('fix-1', { marker: 'R', last: 'fixed' }, 'release/1.4');
      const built = await warm.measured(
        server,
        { pullRequest: 1 },
        fix,
        opened(1, fix, 'fix-1', 'release/1.4'),
      );
      expect(importOrderOf(built.report)).toEqual([
        `${built.environment.buildUuid} (its own cache)`,
        `${releaseUuid} (base branch release/1.4)`,
        'main (default branch main)',
      ]);
      expect(cachedSteps(built.report)).toBe('8/10');
    });

    it("warms a stacked pull request from the pull request it is stacked on, then main's", async () => {
      const a = await warm.commit('feature-a', { marker: 'S' });
      const first = await warm.measured(server, { pullRequest: 2 }, a, opened(2, a, 'feature-a', 'main'));
      expect(cachedSteps(first.report)).toBe('6/10');

      // #3's base is #2's head branch; it changes only each service's last step.
      const b = await warm.commit('feature-b', { marker: 'S', last: 'stacked' }, 'feature-a');
      const stacked = await warm.measured(
        server,
        { pullRequest: 3 },
        b,
        opened(3, b, 'feature-b', 'feature-a'),
      );
      expect(importOrderOf(stacked.report)).toEqual([
        `${stacked.environment.buildUuid} (its own cache)`,
        `${first.environment.buildUuid} (stacked on pull request #2 (feature-a))`,
        'main (default branch main)',
      ]);
      expect(cachedSteps(stacked.report)).toBe('8/10');
      // The API and the status page show the same order, with why.
      expect((stacked.environment as { importOrder?: unknown }).importOrder).toEqual(
        stacked.report.importOrder,
      );
      const page = await (await fetch(`${server.url}/environments/${stacked.environment.buildUuid}`)).text();
      expect(page).toContain('stacked on pull request #2 (feature-a)');
    });
  },
);
