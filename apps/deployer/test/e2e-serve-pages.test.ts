import { launchChromium } from '@deployer/status-page/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EnvironmentJson, environmentOf, settled } from './support/serve/environments.js';
import { createGitRepository, type GitRepository, previewFiles } from './support/serve/git-repository.js';
import { jobLogLines, parseLogLines, parseMetrics } from './support/serve/observability.js';
import { apiToken, type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload } from './support/serve/webhook-payloads.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// What an operator of `deployer serve` sees and steers, against real parts: real buildah builds into a
// real registry, the real server on PGlite, its pages in a real headless Chromium, its /metrics and its
// JSON log lines. Pull request 1 builds; pull request 2 fails at a step that exits 3.
const missing = missingBuildTools();
const repository = 'acme/pages';

describe.skipIf(missing.length > 0)(
  'deployer serve: status pages, metrics and logs after real builds',
  { timeout: 300_000 },
  () => {
    let stack: Stack;
    let git: GitRepository;
    let server: ServeProcess;
    let browser: Browser;
    /** The deliveries sent, by pull request number: their X-GitHub-Delivery and the server's answer. */
    const sent = new Map<number, { deliveryId: string; result: string; buildUuid: string }>();
    let builtUuid = '';
    let failedUuid = '';

    async function openPullRequest(number: number, files: Record<string, string>): Promise<void> {
      const sha = await git.commit(`pr-${number}`, files, `pull request ${number}`);
      const delivery = await deliver(
        server.url,
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number, headSha: sha }),
        { secret: webhookSecret },
      );
      expect(delivery.status).toBe(202);
      sent.set(number, {
        deliveryId: delivery.deliveryId,
        result: delivery.body.result,
        buildUuid: delivery.body.buildUuid,
      });
    }

    /** A page of a new browser context, signed in through the sign-in form. */
    async function signedInPage(): Promise<Page> {
      const page = await (await browser.newContext()).newPage();
      await page.goto(`${server.url}/sign-in`);
      await page.getByLabel('API token (DEPLOYER_API_TOKEN)').fill(apiToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.url}/`);
      return page;
    }

    /** The builds of an environment as the API lists them, newest first. */
    async function buildsOf(buildUuid: string): Promise<EnvironmentJson['builds']> {
      return (await environmentOf(server, { buildUuid }))?.builds ?? [];
    }

    beforeAll(async () => {
      stack = await startStack();
      git = await createGitRepository();
      server = await startServe({
        repositories: [{ name: repository, cloneUrl: git.cloneUrl }],
        env: await stack.env(),
      });
      browser = await launchChromium();
      await openPullRequest(1, previewFiles(stack.registry.host, 'one'));
      await openPullRequest(2, previewFiles(stack.registry.host, 'two', { failingStep: true }));
    }, 180_000);

    afterAll(async () => {
      await browser?.close();
      await server?.stop();
      await stack?.stop();
    });

    it('lists a built environment at / with its build uuid, status and image', async () => {
      const built = await settled(server, { pullRequest: 1 }, (found) => found.status === 'built');
      builtUuid = built.buildUuid;
      expect(builtUuid).toBe(sent.get(1)?.buildUuid);
      const image = built.services[0]!.image;
      expect(image.startsWith(`${stack.registry.host}/preview/web:`)).toBe(true);

      const page = await browser.newPage();
      await page.goto(`${server.url}/`);
      const card = page.locator(`article.environment[data-build-uuid="${builtUuid}"]`);
      expect(await card.isVisible()).toBe(true);
      expect(await card.getByRole('link').textContent()).toBe('#1 pull request 1');
      expect(await card.locator('code.build-uuid').textContent()).toBe(builtUuid);
      expect(await card.locator('.status').first().textContent()).toBe('built');
      const row = card.locator('tbody tr').filter({ hasText: 'web' });
      expect(await row.locator('td').allTextContents()).toEqual(['web', 'built', image, expect.any(String)]);
      expect(await page.getByText(repository, { exact: true }).isVisible()).toBe(true);
      await page.close();
    });

    it("shows a failed build's step and log tail on its environment page, reached from /, signed in only", async () => {
      const failed = await settled(server, { pullRequest: 2 }, (found) => found.status === 'failed');
      failedUuid = failed.buildUuid;
      expect(failed.builds[0]?.status).toBe('failed');

      // Anyone who can open a pull request may read the pages: what failed, not why.
      const stranger = await browser.newPage();
      await stranger.goto(`${server.url}/environments/${failedUuid}?repository=acme%2Fpages`);
      const hidden = stranger.locator(`#build-${failed.builds[0]!.id} .failure[data-service="web"]`);
      expect(await hidden.locator('.failure-hidden').textContent()).toBe('Sign in to see why it failed.');
      expect(await hidden.locator('.failure-step, pre.log-tail').count()).toBe(0);
      expect(await stranger.content()).not.toContain('broken step');
      await stranger.close();

      const page = await signedInPage();
      await page.getByRole('link', { name: '#2 pull request 2' }).click();
      await page.waitForURL(`${server.url}/environments/${failedUuid}?repository=acme%2Fpages`);
      expect(await page.locator('main code.build-uuid').textContent()).toBe(failedUuid);
      const failure = page.locator(`#build-${failed.builds[0]!.id} .failure[data-service="web"]`);
      expect(await failure.isVisible()).toBe(true);
      expect(await failure.locator('.failure-step').textContent()).toContain(
        'RUN echo "broken step" && exit 3',
      );
      const logTail = failure.locator('pre.log-tail');
      expect(await logTail.isVisible()).toBe(true);
      expect(await logTail.textContent()).toContain('broken step');
      await page.context().close();
    });

    it('rebuilds from the page only when signed in', async () => {
      const before = await buildsOf(builtUuid);
      const environmentUrl = `${server.url}/environments/${builtUuid}?repository=acme%2Fpages`;

      // Not signed in: no button, and a forged form post is sent to sign in with nothing queued.
      const anonymous = await browser.newContext();
      const anonymousPage = await anonymous.newPage();
      await anonymousPage.goto(environmentUrl);
      expect(await anonymousPage.locator('main code.build-uuid').textContent()).toBe(builtUuid);
      expect(await anonymousPage.getByRole('button', { name: 'Rebuild' }).count()).toBe(0);
      await anonymous.close();
      const forged = await fetch(`${server.url}/environments/${builtUuid}/rebuild?repository=acme%2Fpages`, {
        method: 'POST',
        redirect: 'manual',
      });
      expect(forged.status).toBe(303);
      expect(forged.headers.get('location')).toBe('/sign-in');
      expect((await buildsOf(builtUuid)).map((build) => build.id)).toEqual(before.map((build) => build.id));

      const operator = await browser.newContext();
      const page: Page = await operator.newPage();
      await page.goto(`${server.url}/sign-in`);
      await page.getByLabel('API token (DEPLOYER_API_TOKEN)').fill(apiToken);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL(`${server.url}/`);
      expect(await page.getByText('signed in', { exact: true }).isVisible()).toBe(true);
      await page.goto(environmentUrl);
      await page.getByRole('button', { name: 'Rebuild' }).click();
      await page.waitForLoadState();

      const rebuilt = await settled(
        server,
        { buildUuid: builtUuid },
        (found) => found.builds.length > before.length && found.builds[0]?.status === 'succeeded',
      );
      expect(rebuilt.builds).toHaveLength(before.length + 1);
      expect(rebuilt.builds[0]!.id).toBeGreaterThan(before[0]!.id);
      expect(rebuilt.builds[0]!.sha).toBe(before[0]!.sha);
      expect(rebuilt.status).toBe('built');
      // A rebuild builds again although the image exists (forced), rather than skipping it.
      expect(rebuilt.services[0]).toMatchObject({ service: 'web', status: 'built' });
      // The page shows the new build once it reloads.
      await page.reload();
      expect(await page.locator(`#build-${rebuilt.builds[0]!.id}`).isVisible()).toBe(true);
      await operator.close();
    });

    it('exposes metrics of these builds and deliveries at /metrics', async () => {
      const refused = await deliver(
        server.url,
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number: 3, headSha: 'a'.repeat(40) }),
        { secret: webhookSecret, signature: `sha256=${'0'.repeat(64)}` },
      );
      expect(refused.status).toBe(401);

      const response = await fetch(`${server.url}/metrics`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('text/plain');
      const metrics = parseMetrics(await response.text());
      const accepted = [...sent.values()].filter((delivery) => delivery.result === 'accepted').length;
      expect(accepted).toBe(2);
      expect(
        metrics.value('deployer_builds_total', { engine: 'buildah', status: 'succeeded' }),
      ).toBeGreaterThanOrEqual(2);
      expect(
        metrics.value('deployer_builds_total', { engine: 'buildah', status: 'failed' }),
      ).toBeGreaterThanOrEqual(1);
      expect(metrics.value('deployer_webhook_deliveries_total', { result: 'accepted' })).toBe(accepted);
      expect(metrics.value('deployer_webhook_deliveries_total', { result: 'unauthorized' })).toBe(1);
      expect(metrics.sum('deployer_build_duration_seconds_count')).toBeGreaterThanOrEqual(3);
      expect(metrics.value('deployer_queue_wait_seconds_count')).toBeGreaterThanOrEqual(3);
      const ratio = metrics.value('deployer_service_cache_hit_ratio', { repository, service: 'web' });
      expect(ratio).toBeGreaterThanOrEqual(0);
      expect(ratio).toBeLessThanOrEqual(1);
      expect(metrics.value('deployer_queue_depth')).toBe(0);
      // The TTL sweep runs once when the server starts (nothing idle yet), and is counted.
      expect(metrics.value('deployer_ttl_sweeps_total', { result: 'succeeded' })).toBeGreaterThanOrEqual(1);
    });

    it('logs JSON lines naming the build uuid, run id, service and delivery, and never a secret', async () => {
      const output = server.log();
      expect(output).not.toContain(webhookSecret);
      expect(output).not.toContain(apiToken);

      const lines = parseLogLines(output);
      const jobLines = jobLogLines(lines);
      for (const line of jobLines) {
        expect(line, JSON.stringify(line)).toMatchObject({
          buildUuid: expect.any(String),
          runId: expect.stringMatching(/^build-\d+$/),
        });
        if (line.msg.startsWith('service ')) expect(line.service, JSON.stringify(line)).toBe('web');
      }

      const builtBuilds = await buildsOf(builtUuid);
      const failedBuilds = await buildsOf(failedUuid);
      // Each pull request's first build came from its delivery; the rebuild came from the page.
      const byDelivery = [
        { build: builtBuilds.at(-1)!, deliveryId: sent.get(1)!.deliveryId, uuid: builtUuid },
        { build: failedBuilds.at(-1)!, deliveryId: sent.get(2)!.deliveryId, uuid: failedUuid },
      ];
      for (const { build, deliveryId, uuid } of byDelivery) {
        const ofRun = jobLines.filter((line) => line.runId === `build-${build.id}`);
        expect(ofRun.map((line) => line.msg)).toEqual(
          expect.arrayContaining(['build started', 'service build started', `build ${build.status}`]),
        );
        for (const line of ofRun) expect(line).toMatchObject({ buildUuid: uuid, deliveryId });
      }
      const failedLine = jobLines.find(
        (line) => line.runId === `build-${failedBuilds.at(-1)!.id}` && line.msg === 'service build failed',
      );
      expect(failedLine?.failedStep).toContain('broken step');
      const rebuildLines = jobLines.filter((line) => line.runId === `build-${builtBuilds[0]!.id}`);
      expect(rebuildLines.map((line) => line.msg)).toEqual(
        expect.arrayContaining([
          'build started',
          'service build started',
          'service built',
          'build succeeded',
        ]),
      );
      for (const line of rebuildLines) expect(line.deliveryId).toBeUndefined();

      const deliveryLines = lines.filter((line) => line.msg === 'webhook delivery');
      expect(deliveryLines.map((line) => [line.deliveryId, line.result])).toEqual(
        expect.arrayContaining([
          [sent.get(1)!.deliveryId, 'accepted'],
          [sent.get(2)!.deliveryId, 'accepted'],
        ]),
      );
    });
  },
);
