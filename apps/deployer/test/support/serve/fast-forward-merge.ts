import { expect } from 'vitest';
import { type EnvironmentJson, environmentOf, settled } from './environments.js';
import type { ServeProcess } from './serve-process.js';
import { cachedSteps, importOrderOf, pullRequestEvent, warmServices } from './warm-fixture.js';
import { warmRepository as repository, type WarmCase } from './warm-suite.js';
import { pushPayload } from './webhook-payloads.js';

/**
 * The measurement, as one case: main at A built; pull request #1 changes each service's marker
 * (B) and is built; it merges fast-forward, and `closed` and `push` arrive in `order` (`closed` to the
 * first server, `push` to the last: with two, to two replicas): `closed`, a pause in which an idle worker
 * would tear #1 down were its teardown not held, then `push`; or `push`, main's build at B finished, then
 * `closed`. main's build at B skips every service and its cache refs follow #1's; #1 is torn down after
 * that build, its refs and tags gone. Then, the daemon pruned, pull request #2 from B changes only each
 * service's last step: 8 of 10 steps cached, what a cache as fresh as B gives (a cache at A gives 6: #1's
 * own build shows it). Returns the two figures.
 */
export async function fastForwardMerge(
  warm: WarmCase,
  servers: [ServeProcess] | [ServeProcess, ServeProcess],
  order: 'closed-then-push' | 'push-then-closed',
): Promise<{ staleCache: string; nextPullRequest: string }> {
  const [first, second = first] = servers;
  const a = await warm.commit('main', { marker: 'A' });
  const main = await warm.measured(first, { buildUuid: 'main' }, a, () =>
    warm.send(first, 'push', pushPayload({ repository, branch: 'main', after: a })),
  );
  expect(main.report.services.map((service) => service.status)).toEqual(['built', 'built']);

  // #1: each service's marker changes. Seeded from main at A: the steps before the marker are cached.
  const b = await warm.commit('feature-1', { marker: 'B' });
  const opened = pullRequestEvent({ action: 'opened', repository, number: 1, headSha: b, head: 'feature-1' });
  const one = await warm.measured(first, { pullRequest: 1 }, b, () =>
    warm.send(first, 'pull_request', opened),
  );
  const staleCache = cachedSteps(one.report);
  expect(staleCache).toBe('6/10');
  const oneUuid = one.environment.buildUuid;

  // The merge: main's head becomes #1's head commit; GitHub sends `closed` (merged) and `push`.
  expect(await warm.git.fastForward('main', 'feature-1')).toBe(b);
  const closed = () =>
    warm.send(
      first,
      'pull_request',
      pullRequestEvent({
        action: 'closed',
        repository,
        number: 1,
        headSha: b,
        head: 'feature-1',
        mergeCommitSha: b,
      }),
    );
  const push = () => warm.send(second, 'push', pushPayload({ repository, branch: 'main', after: b }));
  if (order === 'closed-then-push') {
    await closed();
    // Time for an idle worker to tear #1 down (it polls every second): its teardown is held instead.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect(await environmentOf(first, { pullRequest: 1 })).not.toMatchObject({ status: 'deleted' });
    expect(await warm.tags(`${warm.images}/cache/web/${oneUuid}`)).toContain('cache');
    await push();
  } else {
    // main's build at B finishes before `closed` arrives: #1's teardown is not held for it.
    await push();
    await warm.built(first, { buildUuid: 'main' }, b);
    await closed();
  }
  const { environment: merged, report } = await warm.built(first, { buildUuid: 'main' }, b);
  const atB = merged.builds.find((build) => build.sha === b && build.kind === 'build')!;
  // Nothing to build: both images exist (#1 built them). The cache refs follow #1's anyway.
  const refreshes = JSON.stringify(report.services.map((service) => service.cacheRefresh));
  expect(
    report.services.map((service) => [service.service, service.status, service.cacheRefresh?.status]),
    refreshes,
  ).toEqual(warmServices.map((service) => [service, 'skipped', 'refreshed']));
  for (const service of report.services) expect(service.cacheRefresh?.from).toContain(oneUuid);
  // The API shows it beside each service.
  const shown = merged.services as Array<{ service: string; cacheRefresh?: { status: string } }>;
  expect(shown.map((service) => service.cacheRefresh?.status)).toEqual(['refreshed', 'refreshed']);

  // #1 is torn down, and only after main's build used its caches: its refs and tags are gone.
  const gone = await settled(first, { pullRequest: 1 }, (found) => found.status === 'deleted', 60_000);
  expectTornDownAfter(gone, atB, oneUuid);
  expect(await warm.leftovers(oneUuid)).toEqual([]);
  // main keeps the images it now runs.
  for (const service of warmServices) expect(await warm.tags(`${warm.images}/${service}`)).toContain('main');

  // #2 from B changes only each service's last step: a cache as fresh as B leaves one step per service.
  const c = await warm.commit('feature-2', { marker: 'B', last: 'changed' });
  const next = await warm.measured(first, { pullRequest: 2 }, c, () =>
    warm.send(
      first,
      'pull_request',
      pullRequestEvent({ action: 'opened', repository, number: 2, headSha: c, head: 'feature-2' }),
    ),
  );
  expect(importOrderOf(next.report).slice(1)).toEqual(['main (default branch main)']);
  const nextPullRequest = cachedSteps(next.report);
  expect(nextPullRequest).toBe('8/10');
  expect(await environmentOf(first, { buildUuid: 'main' })).toMatchObject({ status: 'built', sha: b });
  return { staleCache, nextPullRequest };
}

/**
 * A merged pull request's teardown ran after the build of its base branch that used its caches finished,
 * and found them still there: it deleted its own cache refs (none was already `absent`).
 */
export function expectTornDownAfter(
  gone: EnvironmentJson,
  used: EnvironmentJson['builds'][number],
  buildUuid: string,
): void {
  const down = gone.builds.find((build) => build.kind === 'down' && build.status === 'succeeded');
  expect(down, JSON.stringify(gone.builds)).toBeDefined();
  // A teardown is never marked running: when it finished is what it records.
  expect(Date.parse(down!.finishedAt!)).toBeGreaterThanOrEqual(Date.parse(used.finishedAt!));
  const actions =
    (down as { report?: { actions?: Array<{ ref: string; action: string }> } }).report?.actions ?? [];
  const ownRefs = actions.filter((action) => action.ref.endsWith(`/${buildUuid}:cache`));
  expect(ownRefs.map((action) => action.action)).toEqual(warmServices.map(() => 'delete'));
}
