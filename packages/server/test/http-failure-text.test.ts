import { describe, expect, it } from 'vitest';
import {
  apiToken,
  cookieHeader,
  failQueuedBuilds,
  openPullRequest,
  repository,
  signIn,
  useServerState,
} from './support/http-app.js';

// A build's failure text (its error, a failed service's reason, step and log tail) is for signed-in
// operators, or for everyone when the config's `pages.public` says so; anyone else sees statuses,
// images, cache hit ratios and timings.
const server = useServerState();
const secrets = [
  'error: npm-token-leak',
  'reason: npm-token-leak',
  'RUN npm-token-leak',
  'log: npm-token-leak',
];

async function failedEnvironment() {
  const { app } = await server.app();
  const buildUuid = await openPullRequest(app, 'Fails on purpose');
  await failQueuedBuilds(server.state(), 'npm-token-leak');
  return `/environments/${buildUuid}?repository=${encodeURIComponent(repository)}`;
}

describe('failure text on the status pages', () => {
  it('is hidden from signed-out visitors, who still see status, image and cache hit ratio', async () => {
    const path = await failedEnvironment();
    const { app } = await server.app();
    for (const url of [path, '/']) {
      const page = await app.inject({ method: 'GET', url });
      expect(page.statusCode).toBe(200);
      for (const text of secrets) expect(page.body, url).not.toContain(text);
      expect(page.body).toContain('status-failed');
      expect(page.body).toContain('registry.test/web:c0ffee');
      expect(page.body).toContain('50 %');
    }
    const detail = await app.inject({ method: 'GET', url: path });
    expect(detail.body).toContain('web failed (build)');
    expect(detail.body).toContain('Sign in to see why it failed.');
  });

  it('is shown to a signed-in operator, and through the API', async () => {
    const path = await failedEnvironment();
    const { app } = await server.app();
    const cookies = await signIn(app);
    const page = await app.inject({ method: 'GET', url: path, headers: { cookie: cookieHeader(cookies) } });
    for (const text of secrets) expect(page.body).toContain(text);
    expect(page.body).not.toContain('Sign in to see why it failed.');
    const api = await app.inject({
      method: 'GET',
      url: `/api${path}`,
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(api.json().builds[0].error).toBe('error: npm-token-leak');
  });

  it('is shown to everyone when the pages are public', async () => {
    const path = await failedEnvironment();
    const { app } = await server.app({ pagesPublic: true });
    const page = await app.inject({ method: 'GET', url: path });
    for (const text of secrets) expect(page.body).toContain(text);
    expect(page.body).not.toContain('action="/sign-out"');
    expect(page.body).not.toContain('form class="rebuild"');
  });
});
