import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type EnvironmentDetail,
  renderEnvironmentPage,
  renderEnvironmentsPage,
  renderSignInPage,
  statusPageHeaders,
} from '../src/index.js';
import { launchChromium, type PageServer, startPageServer } from '../src/testing/index.js';
import { testBuildUuid } from './support/build-uuids.js';
import { build, buildReport, environment, failedBuild, now, serviceResult } from './support/fixtures.js';

// The fixture server plays the lead's HTTP app: it renders the pages from `environments`, signs in by a
// cookie (signed-in visitors read failure text and get forms with a CSRF token), and records rebuild posts
// with the token they carried.
let environments: EnvironmentDetail[] = [];
const rebuilds: string[] = [];
let server: PageServer;
let browser: Browser;

beforeAll(async () => {
  server = await startPageServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const signedIn = (request.headers.cookie ?? '').includes('deployer_session=valid');
    const access = {
      signedIn,
      showFailureText: signedIn,
      ...(signedIn && { csrfToken: 'csrf-of-the-session' }),
    };
    for (const [name, value] of Object.entries(statusPageHeaders)) response.setHeader(name, value);
    const detailMatch = /^\/environments\/([^/]+)$/.exec(url.pathname);
    const rebuildMatch = /^\/environments\/([^/]+)\/rebuild$/.exec(url.pathname);
    if (request.method === 'POST' && rebuildMatch) {
      let body = '';
      for await (const chunk of request) body += chunk;
      const token = new URLSearchParams(body).get('_csrf');
      rebuilds.push(`${decodeURIComponent(rebuildMatch[1]!)} ${url.searchParams.get('repository')} ${token}`);
      response.statusCode = 303;
      response.setHeader('location', `/environments/${rebuildMatch[1]}?${url.searchParams}`);
      response.end();
    } else if (url.pathname === '/') {
      response.end(renderEnvironmentsPage(environments, { ...access, now }));
    } else if (detailMatch) {
      const buildUuid = decodeURIComponent(detailMatch[1]!);
      const found = environments.find(
        (entry) => entry.buildUuid === buildUuid && entry.repository === url.searchParams.get('repository'),
      );
      response.statusCode = found ? 200 : 404;
      response.end(found ? renderEnvironmentPage(found, { ...access, now }) : 'not found');
    } else if (url.pathname === '/sign-in') {
      response.end(renderSignInPage({ error: url.searchParams.get('error') ?? undefined }));
    } else {
      response.statusCode = 404;
      response.end('not found');
    }
  });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A page in its own context that records every dialog and every Content-Security-Policy violation. */
async function openPage(options: { signedIn?: boolean; javaScriptEnabled?: boolean } = {}) {
  const context = await browser.newContext({ javaScriptEnabled: options.javaScriptEnabled ?? true });
  if (options.signedIn) {
    await context.addCookies([{ name: 'deployer_session', value: 'valid', url: server.url }]);
  }
  const page = await context.newPage();
  const dialogs: string[] = [];
  const violations: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy/i.test(message.text())) violations.push(message.text());
  });
  return { page, dialogs, violations, close: () => context.close() };
}

const detailPath = (entry: EnvironmentDetail) =>
  `/environments/${encodeURIComponent(entry.buildUuid)}?repository=${encodeURIComponent(entry.repository)}`;

async function textOf(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).allTextContents()).join('\n');
}

describe('status pages in Chromium', () => {
  it('lists an environment with its build uuid, image and cache hit ratio, linked to its page', async () => {
    environments = [
      environment(),
      environment({
        buildUuid: testBuildUuid('main'),
        kind: 'fallback',
        pullRequestNumber: null,
        pullRequestTitle: null,
      }),
    ];
    const { page, violations, close } = await openPage();
    await page.goto(server.url);
    const card = page.locator('article[data-build-uuid="wandering-credit-924200"]');
    expect(await card.locator('.build-uuid').textContent()).toBe('wandering-credit-924200');
    expect(await card.textContent()).toContain('registry.test/acme/web:c0ffee');
    expect(await card.textContent()).toContain('75 %');
    // Fallback first within the repository.
    expect(await textOf(page, 'section.repository h3')).toMatch(/fallback main[\s\S]*#12 Add a cart/);
    await card.locator('h3 a').click();
    await page.waitForURL(/\/environments\/wandering-credit-924200\?repository=acme%2Fshop$/);
    expect(await page.locator('h2').first().textContent()).toBe('acme/shop #12 Add a cart');
    expect(violations).toEqual([]);
    await close();
  });

  it('shows a failed service with its step and log tail on the environment page, signed in only', async () => {
    environments = [environment({ status: 'failed', builds: [failedBuild, build()] })];
    const anonymous = await openPage();
    await anonymous.page.goto(server.url + detailPath(environments[0]!));
    const hidden = anonymous.page.locator('#build-2 .failure[data-service="api"]');
    expect(await hidden.locator('.error').textContent()).toBe('api failed (build)');
    expect(await hidden.locator('.failure-step, .log-tail').count()).toBe(0);
    expect(await hidden.locator('.failure-hidden').textContent()).toBe('Sign in to see why it failed.');
    await anonymous.close();

    const { page, violations, close } = await openPage({ signedIn: true });
    await page.goto(server.url + detailPath(environments[0]!));
    const failure = page.locator('#build-2 .failure[data-service="api"]');
    expect(await failure.locator('.failure-step').textContent()).toBe('[api 4/6] RUN npm test');
    expect(await failure.locator('.log-tail').textContent()).toBe(
      '> api@1.0.0 test\nError: expected 200, got 500\ntoken=***',
    );
    expect(await page.locator('#build-2').getAttribute('open')).not.toBeNull();
    expect(await page.locator('#build-1').getAttribute('open')).toBeNull();
    expect(violations).toEqual([]);
    await close();
  });

  it('renders hostile strings as text: no script runs, no dialog opens', async () => {
    const hostile = '<script>alert(1)</script>';
    const hostileService = '"><img src=x onerror=alert(2)>';
    const hostileLog = '</pre><script>alert(3)</script>';
    environments = [
      environment({
        pullRequestTitle: hostile,
        builds: [
          build({
            status: 'failed',
            report: {
              ...buildReport([
                serviceResult(hostileService, {
                  status: 'failed',
                  failure: { cause: 'build', step: hostile, logTail: [hostileLog] },
                }),
                serviceResult('web', {
                  status: 'skipped',
                  cacheRefresh: { status: 'refreshed', from: hostileService, reason: hostileLog },
                }),
              ]),
              importOrder: [{ buildUuid: hostileService, source: 'own', why: hostile }],
            },
          }),
        ],
      }),
    ];
    for (const path of ['/', detailPath(environments[0]!)]) {
      const { page, dialogs, violations, close } = await openPage({ signedIn: true });
      await page.goto(server.url + path);
      expect(await page.locator('main').textContent()).toContain(hostile);
      expect(await page.locator('main').textContent()).toContain(hostileService);
      expect(await page.locator('main script, main img').count()).toBe(0);
      expect(dialogs).toEqual([]);
      expect(violations).toEqual([]);
      await close();
    }
    const { page, dialogs, close } = await openPage({ signedIn: true });
    await page.goto(server.url + detailPath(environments[0]!));
    expect(await page.locator('.log-tail').textContent()).toBe(hostileLog);
    expect(await page.locator('.import-order li .import-uuid').textContent()).toBe(hostileService);
    expect(await page.locator('.import-order li .why').textContent()).toBe(hostile);
    expect(await page.locator('.cache-refresh[data-service="web"] .refresh-from').textContent()).toBe(
      hostileService,
    );
    expect(await page.locator('.cache-refresh[data-service="web"] .why').textContent()).toBe(hostileLog);
    expect(dialogs).toEqual([]);
    await close();
  });

  it('shows the rebuild form only when signed in, and posting it asks the server for a rebuild', async () => {
    environments = [environment({ repository: 'acme/web shop' })];
    const path = detailPath(environments[0]!);
    const anonymous = await openPage();
    await anonymous.page.goto(server.url + path);
    expect(await anonymous.page.locator('form.rebuild').count()).toBe(0);
    expect(await anonymous.page.locator('a[href="/sign-in"]').count()).toBe(1);
    await anonymous.close();

    const signedIn = await openPage({ signedIn: true });
    await signedIn.page.goto(server.url + path);
    const form = signedIn.page.locator('form.rebuild');
    expect(await form.getAttribute('method')).toBe('post');
    expect(await form.getAttribute('action')).toBe(
      '/environments/wandering-credit-924200/rebuild?repository=acme%2Fweb+shop',
    );
    rebuilds.length = 0;
    await form.locator('button').click();
    await signedIn.page.waitForURL(/\/environments\/wandering-credit-924200\?repository=/);
    expect(rebuilds).toEqual(['wandering-credit-924200 acme/web shop csrf-of-the-session']);
    expect(signedIn.violations).toEqual([]);
    await signedIn.close();
  });

  it('renders the sign-in form posting the token', async () => {
    const { page, violations, close } = await openPage();
    await page.goto(`${server.url}/sign-in?error=${encodeURIComponent('wrong <b>token</b>')}`);
    expect(await page.locator('[role="alert"]').textContent()).toBe('wrong <b>token</b>');
    expect(await page.locator('form').getAttribute('action')).toBe('/sign-in');
    expect(await page.locator('input[name="token"]').getAttribute('type')).toBe('password');
    expect(violations).toEqual([]);
    await close();
  });
});

describe('progressive refresh', () => {
  const running = () =>
    environment({
      status: 'building',
      builds: [build({ id: 3, status: 'running', report: null, finishedAt: null }), build()],
    });
  const finished = () =>
    environment({ status: 'built', builds: [build({ id: 3, status: 'succeeded' }), build()] });

  it('with JavaScript, swaps in the new content without reloading once the build finishes', async () => {
    environments = [running()];
    const { page, violations, close } = await openPage();
    await page.goto(server.url + detailPath(environments[0]!));
    expect(await page.locator('#build-3 summary .status').textContent()).toBe('running');
    await page.evaluate(() => {
      (globalThis as unknown as { notReloaded: boolean }).notReloaded = true;
    });
    environments = [finished()];
    await page.locator('#build-3 summary .status', { hasText: 'succeeded' }).waitFor({ timeout: 15_000 });
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(
      true,
    );
    // Finished: the page stops refreshing.
    expect(await page.locator('main').getAttribute('data-refresh-seconds')).toBeNull();
    expect(violations).toEqual([]);
    await close();
  });

  it('without JavaScript, the page reloads itself (noscript meta refresh) until the build finishes', async () => {
    environments = [running()];
    const { page, close } = await openPage({ javaScriptEnabled: false });
    await page.goto(server.url);
    expect(await page.locator('article .status').first().textContent()).toBe('building');
    environments = [finished()];
    await page.locator('article .status', { hasText: 'built' }).first().waitFor({ timeout: 15_000 });
    await close();
  });
});
