import { afterAll, afterEach, beforeAll, describe, it } from 'vitest';
import {
  type OwnBuildkitDaemon,
  ownBuildkitSkipReason,
  startOwnBuildkitDaemon,
} from './support/own-buildkit-daemon.js';
import { fastForwardMerge } from './support/serve/fast-forward-merge.js';
import { startWarmCase, type WarmCase } from './support/serve/warm-suite.js';

// After a fast-forward merge through `deployer serve` (real git, registry and BuildKit), main's build
// skips every service, yet its cache refs follow the merged pull request's; so the next pull request,
// seeded from main, is as warm as a cache at the merge (8 of 10 steps cached, not 6). In both orders the
// deliveries can arrive in. The suite's own daemon is pruned before each measured build: every hit comes
// from the registry.
const registry = process.env.DEPLOYER_TEST_REGISTRY!;
const skipReason = ownBuildkitSkipReason('the deployer serve warm-merge BuildKit suite');

describe.skipIf(skipReason !== undefined)(
  'deployer serve with BuildKit: the default branch follows a fast-forward merge',
  { timeout: 240_000 },
  () => {
    let daemon: OwnBuildkitDaemon;
    let warm: WarmCase | undefined;

    beforeAll(async () => {
      daemon = await startOwnBuildkitDaemon(registry);
    }, 120_000);

    afterEach(async () => {
      await warm?.stop();
      warm = undefined;
    });

    afterAll(async () => {
      await daemon?.stop();
    });

    it.each(['closed-then-push', 'push-then-closed'] as const)(
      'warms the next pull request from the merge, deliveries %s',
      async (order) => {
        warm = await startWarmCase(registry, daemon);
        const server = await warm.serve();
        await fastForwardMerge(warm, [server], order);
      },
    );
  },
);
