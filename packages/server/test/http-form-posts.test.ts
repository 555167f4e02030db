import type { BuildUuid } from '@deployer/contracts';
import { getEnvironment } from '@deployer/state';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it } from 'vitest';
import {
  cookieHeader,
  cookiesOf,
  csrfTokenOf,
  formPost,
  openPullRequest,
  pageCsrfToken,
  repository,
  signIn,
  useServerState,
} from './support/http-app.js';

// The rebuild, sign-in and sign-out forms change state: each post must come from this server's own page
// (Origin / Sec-Fetch-Site) and carry the page's CSRF token, bound to the browser's session. A valid
// session cookie alone — all a sibling subdomain's page can make a browser send — does nothing.
const server = useServerState();

async function buildCount(buildUuid: BuildUuid): Promise<number> {
  const [environment] = await getEnvironment(server.state(), buildUuid, repository);
  return environment?.builds.length ?? 0;
}

async function signedInRebuild(app: FastifyInstance) {
  const buildUuid = await openPullRequest(app);
  const cookies = await signIn(app);
  const token = await pageCsrfToken(app, cookies);
  const url = `/environments/${buildUuid}/rebuild?repository=${encodeURIComponent(repository)}`;
  return { buildUuid, cookies, token, url };
}

describe('form posts', () => {
  it('rebuilds from a signed-in page with its CSRF token', async () => {
    const { app } = await server.app();
    const { buildUuid, cookies, token, url } = await signedInRebuild(app);
    const response = await app.inject(formPost(url, cookies, { _csrf: token }));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe(`/environments/${buildUuid}?repository=Codertocat%2FHello-World`);
    expect(await buildCount(buildUuid)).toBe(2);
  });

  it('refuses a post from a foreign origin with a valid session and token: 403, nothing queued', async () => {
    const { app } = await server.app();
    const { buildUuid, cookies, token, url } = await signedInRebuild(app);
    for (const headers of [
      { origin: 'https://evil.example', 'sec-fetch-site': 'same-site' },
      { origin: 'https://evil.example' },
      { origin: 'http://pr-12.localhost' },
      { origin: 'null' },
      { 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'same-site' },
      { 'sec-fetch-site': 'same-origin', origin: 'https://evil.example' },
    ]) {
      const post = formPost(url, cookies, { _csrf: token });
      const { origin: _origin, 'sec-fetch-site': _site, ...plain } = post.headers;
      const response = await app.inject({ ...post, headers: { ...plain, ...headers } });
      expect(response.statusCode, JSON.stringify(headers)).toBe(403);
      expect(response.headers['content-type']).toMatch(/^text\/plain/);
      expect(response.body).toMatch(
        /^403 FOREIGN_ORIGIN: refused: .*deployer takes form posts only from its own pages/,
      );
    }
    const evil = formPost(url, cookies, { _csrf: token });
    const refused = await app.inject({
      ...evil,
      headers: { ...evil.headers, origin: 'https://evil.example' },
    });
    expect(refused.body).toContain('posted from https://evil.example, not from this server (localhost:80)');
    expect(await buildCount(buildUuid)).toBe(1);
  });

  it('refuses a post without the CSRF token, or with a wrong one or another session’s: 403, nothing queued', async () => {
    const { app } = await server.app();
    const { buildUuid, cookies, token, url } = await signedInRebuild(app);
    const other = await signIn(app);
    const othersToken = await pageCsrfToken(app, other);
    const attempts: Array<[string, Record<string, string>, Record<string, string>]> = [
      ['no token', cookies, {}],
      ['an empty token', cookies, { _csrf: '' }],
      ['a made-up token', cookies, { _csrf: `${token.slice(0, -3)}abc` }],
      ["another session's token, with this browser's cookies", cookies, { _csrf: othersToken }],
      [
        "this session's token without the CSRF cookie",
        { deployer_session: cookies.deployer_session! },
        { _csrf: token },
      ],
    ];
    for (const [name, jar, fields] of attempts) {
      const response = await app.inject(formPost(url, jar, fields));
      expect(response.statusCode, name).toBe(403);
      expect(response.body, name).toMatch(/^403 CSRF_TOKEN_INVALID: refused: /);
    }
    expect(await buildCount(buildUuid)).toBe(1);
  });

  it('takes a post from a client that sends neither Origin nor Sec-Fetch-Site, with the token', async () => {
    const { app } = await server.app();
    const { buildUuid, cookies, token, url } = await signedInRebuild(app);
    const post = formPost(url, cookies, { _csrf: token });
    const { origin: _origin, 'sec-fetch-site': _site, ...headers } = post.headers;
    expect((await app.inject({ ...post, headers })).statusCode).toBe(303);
    const sameOrigin = { ...headers, 'sec-fetch-site': 'same-origin' };
    expect((await app.inject({ ...post, headers: sameOrigin })).statusCode).toBe(303);
    expect(await buildCount(buildUuid)).toBe(3);
  });

  it('sends a signed-out rebuild post to sign in, queuing nothing', async () => {
    const { app } = await server.app();
    const { buildUuid, url } = await signedInRebuild(app);
    const response = await app.inject(formPost(url, {}, {}));
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/sign-in');
    expect(await buildCount(buildUuid)).toBe(1);
  });

  it('puts the CSRF token in the sign-in form, and refuses a sign-in without it or from elsewhere', async () => {
    const { app } = await server.app();
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    const cookies = cookiesOf(page);
    expect(Object.keys(cookies)).toEqual(['deployer_csrf']);
    expect(page.cookies[0]).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    const token = csrfTokenOf(page.body);
    const withoutToken = await app.inject(
      formPost('/sign-in', cookies, { token: 'an-api-token-of-enough-length' }),
    );
    expect(withoutToken.statusCode).toBe(403);
    expect(cookiesOf(withoutToken)).not.toHaveProperty('deployer_session');
    const foreign = formPost('/sign-in', cookies, { _csrf: token, token: 'an-api-token-of-enough-length' });
    const fromElsewhere = await app.inject({
      ...foreign,
      headers: { ...foreign.headers, origin: 'https://evil.example' },
    });
    expect(fromElsewhere.statusCode).toBe(403);
    expect(cookiesOf(fromElsewhere)).not.toHaveProperty('deployer_session');
  });

  it('signs out only with the token: the sign-out form revokes the session', async () => {
    const { app } = await server.app();
    const cookies = await signIn(app);
    const token = await pageCsrfToken(app, cookies);
    expect((await app.inject(formPost('/sign-out', cookies, {}))).statusCode).toBe(403);
    const page = () => app.inject({ method: 'GET', url: '/', headers: { cookie: cookieHeader(cookies) } });
    expect((await page()).body).toContain('action="/sign-out"');
    const out = await app.inject(formPost('/sign-out', cookies, { _csrf: token }));
    expect(out.statusCode).toBe(303);
    expect(out.cookies.find((cookie) => cookie.name === 'deployer_session')?.value).toBe('');
    expect((await page()).body).not.toContain('action="/sign-out"');
    expect((await page()).body).toContain('href="/sign-in"');
  });
});
