import { describe, expect, it } from 'vitest';
import { renderEnvironmentPage, renderEnvironmentsPage, withoutFailureText } from '../src/index.js';
import { build, buildReport, environment, failedBuild, now, serviceResult } from './support/fixtures.js';

// What a build's failure says (its error, a failed service's reason, step and log tail) is for signed-in
// visitors, or everyone when the operator makes the pages public; statuses, images, digests, cache hit
// ratios and timings are for everyone.
const failureText = ['RUN npm test exited with 1', '[api 4/6] RUN npm test', 'Error: expected 200, got 500'];
const checkoutFailed = build({
  id: 3,
  status: 'failed',
  report: null,
  error: 'git fetch: secret-host refused',
});

describe('failure text', () => {
  const detail = environment({ status: 'failed', builds: [checkoutFailed, failedBuild, build()] });

  it('is left out of the environment page by default, which says to sign in for it', () => {
    const page = renderEnvironmentPage(detail, { signedIn: false, now });
    for (const text of [...failureText, 'secret-host']) expect(page).not.toContain(text);
    expect(page).toContain('api failed (build)');
    expect(page).toContain('registry.test/acme/api:c0ffee');
    expect(page).toContain('75 %');
    expect(page.match(/Sign in to see why it failed/g)).toHaveLength(2);
  });

  it('is shown when the server allows it', () => {
    const page = renderEnvironmentPage(detail, { signedIn: false, showFailureText: true, now });
    for (const text of [...failureText, 'git fetch: secret-host refused']) expect(page).toContain(text);
    expect(page).not.toContain('Sign in to see why it failed');
  });

  it('is stripped from the data itself: errors, reasons, steps and log tails, never statuses or images', () => {
    const stripped = withoutFailureText(detail);
    expect(stripped.builds[0]).toMatchObject({ status: 'failed', error: null, report: null });
    expect(JSON.stringify(stripped)).not.toMatch(/RUN npm test|expected 200|secret-host/);
    const report = stripped.builds[1]?.report as { services: unknown[] } | undefined;
    expect(report?.services[1]).toMatchObject({
      service: 'api',
      status: 'failed',
      image: 'registry.test/acme/api:c0ffee',
      digest: 'sha256:aaaa',
      cacheHitRatio: 0.75,
      reason: null,
      failure: { cause: 'build', step: null, logTail: [] },
    });
    // Where the cache came from is no failure text: it stays.
    expect(stripped.builds[1]?.report).toMatchObject({
      importOrder: [{ buildUuid: 'wandering-credit-924200', source: 'own', why: 'its own cache' }, {}],
    });
    expect(stripped.lastBuild).toMatchObject({ id: 3, error: null });
    expect(detail.builds[0]?.error).toBe('git fetch: secret-host refused');
  });

  it("strips a cache refresh's reason when nothing was refreshed (it may quote a registry's error)", () => {
    const refreshes = build({
      id: 4,
      report: buildReport([
        serviceResult('web', {
          status: 'skipped',
          cacheRefresh: {
            status: 'none',
            from: null,
            reason: 'could not refresh (registry.internal said 500)',
          },
        }),
        serviceResult('api', {
          status: 'skipped',
          cacheRefresh: { status: 'refreshed', from: 'registry.test/acme/api/pr-7:cache', reason: 'newer' },
        }),
      ]),
    });
    const withRefreshes = environment({ builds: [refreshes] });
    const page = renderEnvironmentPage(withRefreshes, { signedIn: false, now });
    expect(page).not.toContain('registry.internal');
    expect(page).toContain('web: cache not refreshed');
    expect(page).toContain('registry.test/acme/api/pr-7:cache');
    const signedIn = renderEnvironmentPage(withRefreshes, { signedIn: true, showFailureText: true, now });
    expect(signedIn).toContain('registry.internal said 500');
  });

  it('never reaches the environments list either', () => {
    const list = renderEnvironmentsPage([detail], { signedIn: false, now });
    expect(list).not.toContain('secret-host');
    expect(list).toContain('wandering-credit-924200');
  });
});

describe('forms', () => {
  it('carry the CSRF token: rebuild and sign-out when signed in', () => {
    const page = renderEnvironmentPage(environment(), { signedIn: true, csrfToken: 'tok"en', now });
    expect(page.match(/<input type="hidden" name="_csrf" value="tok&quot;en">/g)).toHaveLength(2);
    expect(page).toContain('action="/sign-out"');
    const anonymous = renderEnvironmentPage(environment(), { signedIn: false, now });
    expect(anonymous).not.toContain('_csrf');
    expect(anonymous).not.toContain('/sign-out');
  });
});
