import { describe, expect, it } from 'vitest';
import { newestImportOrder, renderEnvironmentPage } from '../src/index.js';
import { build, buildReport, environment, now, serviceResult } from './support/fixtures.js';

// Where a build took its cache from is no failure text: build uuids of the repository's own environments
// and the server's wording of why. Every visitor sees it, escaped like everything else.
const hostile = '<script>alert(1)</script>';
const hostileUuid = '"><img src=x onerror=alert(2)>';

function reportWith(importOrder: unknown, services = [serviceResult('web')]) {
  return { ...buildReport(services), importOrder };
}

const skipped = [
  serviceResult('web', {
    status: 'skipped',
    reason: 'image exists',
    cacheRefresh: {
      status: 'refreshed',
      from: 'registry.test/acme/web/pr-12:cache',
      reason: 'own cache older than pr-12',
    },
  }),
  serviceResult('api', {
    status: 'skipped',
    reason: 'image exists',
    cacheRefresh: { status: 'none', from: null, reason: 'own cache is as new as the builder' },
  }),
];

/** The text of each element matched by `pattern` (its first group), tags removed. */
function textsOf(page: string, pattern: RegExp): string[] {
  return [...page.matchAll(pattern)].map((match) =>
    (match[1] ?? '')
      .replace(/<[^>]+>/g, '')
      .replace(/\s+/g, ' ')
      .trim(),
  );
}

describe('the cache import order on the environment page', () => {
  it("lists the newest build's sources in order with why, for signed-out visitors too", () => {
    const page = renderEnvironmentPage(environment(), { signedIn: false, now });
    expect(textsOf(page, /<li data-source="[a-z]+">([\s\S]*?)<\/li>/g)).toEqual([
      'wandering-credit-924200 own · its own cache',
      'main fallback · default branch main',
    ]);
    expect(textsOf(page, /<section class="import-order"[^>]*>([\s\S]*?)<ol>/g)).toEqual([
      "Cache import order as build 1 imported them: its own cache first, then its fallbacks'",
    ]);
    expect(page).toContain('<li data-source="own"><code class="import-uuid">wandering-credit-924200</code>');
    expect(page.indexOf('class="import-order"')).toBeLessThan(page.indexOf('<h2>Builds</h2>'));
  });

  it('comes from the newest build whose report has one: not a running build, not an older report', () => {
    const order = [{ buildUuid: 'pr-9', source: 'own', why: 'its own cache' }];
    const builds = [
      build({ id: 4, status: 'running', report: null, finishedAt: null }),
      build({ id: 3, kind: 'down', report: reportWith([{ buildUuid: 'x', source: 'own', why: 'y' }]) }),
      build({ id: 2, report: reportWith(order) }),
      build({ id: 1 }),
    ];
    expect(newestImportOrder(builds)).toEqual({ buildId: 2, importOrder: order });
    const page = renderEnvironmentPage(environment({ builds }), { signedIn: false, now });
    expect(page).toContain('<section class="import-order" data-build-id="2">');
    expect(page).toContain('<a href="#build-2">2</a>');
    expect(page).not.toContain('<code class="import-uuid">x</code>');
  });

  it('is left out when no build recorded one (reports from before deploy did)', () => {
    const { importOrder: _, ...older } = buildReport([serviceResult('web')]);
    const page = renderEnvironmentPage(environment({ builds: [build({ report: older })] }), {
      signedIn: false,
      now,
    });
    expect(page).not.toContain('import-order');
    expect(newestImportOrder([])).toBeNull();
  });

  it('escapes a hostile build uuid and why', () => {
    const report = reportWith([
      { buildUuid: hostileUuid, source: 'own', why: hostile },
      { buildUuid: 'main', source: 'fallback', why: `stacked on pull request #3 (${hostileUuid})` },
    ]);
    const page = renderEnvironmentPage(environment({ builds: [build({ report })] }), {
      signedIn: false,
      now,
    });
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).toContain('<span class="why">&lt;script&gt;alert(1)&lt;/script&gt;</span>');
    expect(page).toContain('<code class="import-uuid">&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</code>');
    expect(page).toContain('stacked on pull request #3 (&quot;&gt;&lt;img src=x onerror=alert(2)&gt;)');
  });
});

describe("a skipped service's cache refresh", () => {
  it('says where it was refreshed from for every visitor, and why not only to those who may read failure text', () => {
    const page = renderEnvironmentPage(environment({ builds: [build({ report: buildReport(skipped) })] }), {
      signedIn: false,
      now,
    });
    expect(page).toContain(
      '<p class="cache-refresh muted" data-service="web" data-status="refreshed">web: cache refreshed from <code class="refresh-from">registry.test/acme/web/pr-12:cache</code>: <span class="why">own cache older than pr-12</span></p>',
    );
    expect(page).toContain(
      '<p class="cache-refresh muted" data-service="api" data-status="none">api: cache not refreshed</p>',
    );
    const signedIn = renderEnvironmentPage(
      environment({ builds: [build({ report: buildReport(skipped) })] }),
      { signedIn: true, showFailureText: true, now },
    );
    expect(signedIn).toContain(
      '<p class="cache-refresh muted" data-service="api" data-status="none">api: cache not refreshed: <span class="why">own cache is as new as the builder</span></p>',
    );
  });

  it('shows nothing for a service without one, and escapes a hostile ref and reason', () => {
    const report = buildReport([
      serviceResult('web'),
      serviceResult('api', {
        status: 'skipped',
        cacheRefresh: { status: 'refreshed', from: hostileUuid, reason: hostile },
      }),
    ]);
    const page = renderEnvironmentPage(environment({ builds: [build({ report })] }), {
      signedIn: true,
      showFailureText: true,
      now,
    });
    expect(page.match(/class="cache-refresh/g)).toHaveLength(1);
    expect(page).not.toContain('<script>alert');
    expect(page).not.toContain('<img');
    expect(page).toContain('<code class="refresh-from">&quot;&gt;&lt;img src=x onerror=alert(2)&gt;</code>');
  });
});
