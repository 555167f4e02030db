import { claimJob, finishJob, type State } from '@deployer/state';
import { describe, expect, it } from 'vitest';
import { apiToken, openPullRequest, repository, useServerState } from './support/http-app.js';

// Where an environment's newest build took its cache from (the import order, own first, with why) and a
// skipped service's cache refresh: in the API's environment detail, and on the status page for everyone
// (they are build uuids and cache refs of the repository's own environments, not failure text).
const server = useServerState();
const bearer = { authorization: `Bearer ${apiToken}` };
const hostile = '<script>alert(1)</script>';

const importOrder = [
  { buildUuid: 'pr-own', source: 'own', why: 'its own cache' },
  { buildUuid: 'release-1-4', source: 'fallback', why: 'base branch release/1.4' },
  { buildUuid: 'main', source: 'fallback', why: `default branch main ${hostile}` },
];
const refreshed = {
  status: 'refreshed',
  from: 'registry.test/acme/web/pr-12:cache',
  reason: 'own cache older than pr-12',
};

/** deploy's reportToJson shape, parsed: one skipped service with a cache refresh, one built. */
function report(order: unknown) {
  return {
    engine: 'buildkit',
    ...(order !== undefined && { importOrder: order }),
    services: [
      { service: 'web', status: 'skipped', image: 'registry.test/web:c0ffee', cacheRefresh: refreshed },
      { service: 'api', status: 'built', image: 'registry.test/api:c0ffee', cacheHitRatio: 0.5 },
    ],
  };
}

/** Finishes every queued job with that report, as the worker does with deploy's. */
async function finishQueuedBuilds(state: State, stored: unknown): Promise<void> {
  for (;;) {
    const job = await claimJob(state, { replica: 'test', claimSeconds: 30 });
    if (job === undefined) return;
    await finishJob(state, job, { status: 'succeeded', report: stored });
  }
}

const apiPath = (buildUuid: string) =>
  `/api/environments/${buildUuid}?repository=${encodeURIComponent(repository)}`;

describe("an environment's cache sources", () => {
  it('are in the API detail: the import order with why, and each service’s cache refresh', async () => {
    const { app } = await server.app();
    const buildUuid = await openPullRequest(app);
    await finishQueuedBuilds(server.state(), report(importOrder));
    const detail = (await app.inject({ method: 'GET', url: apiPath(buildUuid), headers: bearer })).json();
    expect(detail.importOrder).toEqual(importOrder);
    expect(detail.services).toEqual([
      expect.objectContaining({ service: 'web', status: 'skipped', cacheRefresh: refreshed }),
      expect.objectContaining({ service: 'api', status: 'built', cacheRefresh: null }),
    ]);
  });

  it('come from the newest build report that records an import order, read defensively', async () => {
    const { app } = await server.app();
    const buildUuid = await openPullRequest(app);
    await finishQueuedBuilds(server.state(), report(importOrder));
    // A newer build whose report has no order (a deploy from before it recorded one), then a running one.
    for (const stored of [report(undefined), null]) {
      const rebuild = await app.inject({
        method: 'POST',
        url: `/api/environments/${buildUuid}/rebuild?repository=${encodeURIComponent(repository)}`,
        headers: bearer,
      });
      expect(rebuild.statusCode).toBe(202);
      if (stored !== null) await finishQueuedBuilds(server.state(), stored);
    }
    const detail = (await app.inject({ method: 'GET', url: apiPath(buildUuid), headers: bearer })).json();
    expect(detail.builds.map((build: { status: string }) => build.status)).toEqual([
      'queued',
      'succeeded',
      'succeeded',
    ]);
    expect(detail.importOrder).toEqual(importOrder);

    const odd = await openPullRequest(app);
    await finishQueuedBuilds(server.state(), {
      importOrder: [
        { buildUuid: 'main', source: 'upstream', why: 'x' },
        { buildUuid: 'pr-1', source: 'own' },
      ],
      services: [{ service: 'web', cacheRefresh: { status: 'maybe', from: null, reason: 'x' } }],
    });
    const oddDetail = (await app.inject({ method: 'GET', url: apiPath(odd), headers: bearer })).json();
    expect(oddDetail.importOrder).toEqual([]);
    expect(oddDetail.services[0].cacheRefresh).toBeNull();

    const unbuilt = await openPullRequest(app);
    const none = (await app.inject({ method: 'GET', url: apiPath(unbuilt), headers: bearer })).json();
    expect(none.importOrder).toBeNull();
  });

  it('show on the status page to signed-out visitors, escaped', async () => {
    const { app } = await server.app();
    const buildUuid = await openPullRequest(app);
    await finishQueuedBuilds(server.state(), report(importOrder));
    const page = await app.inject({
      method: 'GET',
      url: `/environments/${buildUuid}?repository=${encodeURIComponent(repository)}`,
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h2>Cache import order</h2>');
    for (const entry of ['pr-own', 'release-1-4', 'base branch release/1.4'])
      expect(page.body).toContain(entry);
    expect(page.body).toContain('default branch main &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.body).not.toContain(hostile);
    expect(page.body).toContain(
      'web: cache refreshed from <code class="refresh-from">registry.test/acme/web/pr-12:cache</code>',
    );
  });
});
