import { describe, expect, it } from 'vitest';
import {
  apiToken,
  cookieHeader,
  cookiesOf,
  csrfTokenOf,
  formPost,
  pageCsrfToken,
  signIn,
  useServerState,
} from './support/http-app.js';

// Sign-in sessions live in the state every replica shares: random ids (only their hash stored) that
// expire, end on sign-out and can all be revoked through the API, on every replica at once. Sign-in
// attempts are limited per client.
const server = useServerState();
const hour = 3_600_000;

async function signedIn(app: Awaited<ReturnType<typeof server.app>>['app'], cookies: Record<string, string>) {
  const page = await app.inject({ method: 'GET', url: '/', headers: { cookie: cookieHeader(cookies) } });
  expect(page.statusCode).toBe(200);
  return page.body.includes('<span class="muted">signed in</span>');
}

describe('sessions', () => {
  it('gives a random session id in an HttpOnly SameSite=Strict cookie and keeps only its hash', async () => {
    const { app } = await server.app();
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    const response = await app.inject(
      formPost('/sign-in', cookiesOf(page), { _csrf: csrfTokenOf(page.body), token: apiToken }),
    );
    expect(response.statusCode).toBe(303);
    const cookie = response.cookies.find((entry) => entry.name === 'deployer_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/', maxAge: 43_200 });
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await signIn(app);
    expect(second.deployer_session).not.toBe(cookie?.value);
    const rows = await server.state().db.selectFrom('sessions').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(cookie?.value);
    expect(JSON.stringify(rows)).not.toContain(apiToken);
  });

  it('refuses a wrong API token with the form again', async () => {
    const { app } = await server.app();
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    const response = await app.inject(
      formPost('/sign-in', cookiesOf(page), { _csrf: csrfTokenOf(page.body), token: 'not-the-token-at-all' }),
    );
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('That is not the API token.');
    expect(csrfTokenOf(response.body)).toBeTruthy();
    expect(cookiesOf(response)).not.toHaveProperty('deployer_session');
  });

  it('answers the 11th sign-in attempt within a minute with 429 and Retry-After', async () => {
    const { app } = await server.app();
    const page = await app.inject({ method: 'GET', url: '/sign-in' });
    const attempt = () =>
      app.inject(
        formPost('/sign-in', cookiesOf(page), { _csrf: csrfTokenOf(page.body), token: 'wrong-token-wrong' }),
      );
    for (let count = 1; count <= 10; count++)
      expect((await attempt()).statusCode, `attempt ${count}`).toBe(401);
    const eleventh = await attempt();
    expect(eleventh.statusCode).toBe(429);
    expect(Number(eleventh.headers['retry-after'])).toBeGreaterThan(0);
    expect(eleventh.body).toMatch(
      /TOO_MANY_SIGN_IN_ATTEMPTS: too many sign-in attempts from this address: at most 10 a minute/,
    );
    // Even the right token waits: the limit counts attempts, not failures.
    const right = await app.inject(
      formPost('/sign-in', cookiesOf(page), { _csrf: csrfTokenOf(page.body), token: apiToken }),
    );
    expect(right.statusCode).toBe(429);
    // Another client is not held up.
    const other = await app.inject({
      ...formPost('/sign-in', cookiesOf(page), { _csrf: csrfTokenOf(page.body), token: apiToken }),
      remoteAddress: '192.0.2.7',
    });
    expect(other.statusCode).toBe(303);
  });

  it('ends a session after 12 hours, on every replica', async () => {
    const { app, clock } = await server.app();
    const { app: replica } = await server.app({ clock });
    const cookies = await signIn(app);
    clock.advance(11 * hour);
    expect(await signedIn(app, cookies)).toBe(true);
    expect(await signedIn(replica, cookies)).toBe(true);
    clock.advance(1 * hour);
    expect(await signedIn(app, cookies)).toBe(false);
    expect(await signedIn(replica, cookies)).toBe(false);
    // An expired session posts nothing either.
    const token = await pageCsrfToken(app, await signIn(app));
    const rebuild = await replica.inject(formPost('/environments/main/rebuild', cookies, { _csrf: token }));
    expect(rebuild.headers.location).toBe('/sign-in');
  });

  it('prunes expired sessions at the next sign-in', async () => {
    const { app, clock } = await server.app();
    const old = await signIn(app);
    clock.advance(13 * hour);
    await signIn(app);
    const rows = await server.state().db.selectFrom('sessions').select('expires_at').execute();
    expect(rows.every((row) => new Date(row.expires_at) > clock.now())).toBe(true);
    expect(await signedIn(app, old)).toBe(false);
  });

  it('signs out on one replica for all: the old cookie no longer works on the other', async () => {
    const { app, clock } = await server.app();
    const { app: replica } = await server.app({ clock });
    const cookies = await signIn(app);
    expect(await signedIn(replica, cookies)).toBe(true);
    const out = await replica.inject(
      formPost('/sign-out', cookies, { _csrf: await pageCsrfToken(replica, cookies) }),
    );
    expect(out.statusCode).toBe(303);
    expect(await signedIn(app, cookies)).toBe(false);
    expect(await signedIn(replica, cookies)).toBe(false);
  });

  it('revokes every session through the API, the token unchanged', async () => {
    const { app, clock } = await server.app();
    const { app: replica } = await server.app({ clock });
    const first = await signIn(app);
    const second = await signIn(replica);
    const unauthorized = await replica.inject({ method: 'POST', url: '/api/sessions/revoke' });
    expect(unauthorized.statusCode).toBe(401);
    expect(await signedIn(app, first)).toBe(true);
    const revoked = await replica.inject({
      method: 'POST',
      url: '/api/sessions/revoke',
      headers: { authorization: `Bearer ${apiToken}` },
    });
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revoked).toBeGreaterThanOrEqual(2);
    for (const instance of [app, replica]) {
      expect(await signedIn(instance, first)).toBe(false);
      expect(await signedIn(instance, second)).toBe(false);
    }
    // The token still signs in.
    expect(await signedIn(app, await signIn(app))).toBe(true);
  });
});
