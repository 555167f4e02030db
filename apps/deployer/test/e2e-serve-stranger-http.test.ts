import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentOf } from './support/serve/environments.js';
import { apiToken, type ServeProcess, startServe, webhookSecret } from './support/serve/serve-process.js';
import { deliver, pullRequestPayload } from './support/serve/webhook-payloads.js';

// The HTTP side of "a pull request is a stranger", against a real `deployer serve` process over real
// sockets, as a browser and an attacker's page would talk to it: the sign-in form, the rebuild button,
// and input that used to answer 500 (or lose the delivery). No build needs to succeed here.
const repository = 'acme/shop';

/** A browser's cookie jar, fed from Set-Cookie headers. */
class Browser {
  readonly cookies = new Map<string, string>();
  constructor(private readonly url: string) {}

  async request(path: string, init: RequestInit & { origin?: string } = {}): Promise<Response> {
    const { origin, ...rest } = init;
    const response = await fetch(`${this.url}${path}`, {
      ...rest,
      redirect: 'manual',
      headers: {
        ...(this.cookies.size > 0 && {
          cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; '),
        }),
        ...(origin !== undefined && { origin }),
        ...rest.headers,
      },
    });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair!.split('=');
      this.cookies.set(name!.trim(), value.join('='));
    }
    return response;
  }

  /** A form post as the browser sends it from a page whose origin is `origin`. */
  post(path: string, fields: Record<string, string>, origin: string): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      origin,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(fields).toString(),
    });
  }

  async csrfToken(path: string): Promise<string> {
    const html = await (await this.request(path)).text();
    const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
    if (token === undefined) throw new Error(`${path} has no form with a CSRF token`);
    return token;
  }
}

describe('deployer serve: sign-in, forms and input from strangers', { timeout: 120_000 }, () => {
  let server: ServeProcess;
  let buildUuid: string;
  const own = () => server.url;

  beforeAll(async () => {
    server = await startServe({
      // Nothing is cloned or built successfully: the environments only need to exist.
      repositories: [{ name: repository, cloneUrl: 'file:///nonexistent/shop.git' }],
      env: { DEPLOYER_REGISTRY: '127.0.0.1:9' },
      extraArgs: ['--concurrency', '1'],
    });
    const opened = await deliver(
      server.url,
      'pull_request',
      pullRequestPayload({ action: 'opened', repository, number: 1, headSha: 'a'.repeat(40) }),
      { secret: webhookSecret },
    );
    expect(opened.status).toBe(202);
    buildUuid = opened.body.buildUuid as string;
  }, 60_000);

  afterAll(async () => {
    await server?.stop();
  });

  async function buildCount(): Promise<number> {
    return (await environmentOf(server, { pullRequest: 1 }))!.builds.length;
  }

  it('refuses a rebuild posted from another origin with a valid session and token (403), takes its own', async () => {
    const browser = new Browser(server.url);
    const token = await browser.csrfToken('/sign-in');
    const signedIn = await browser.post('/sign-in', { _csrf: token, token: apiToken }, own());
    expect(signedIn.status).toBe(303);
    const before = await buildCount();
    const formToken = await browser.csrfToken(`/environments/${buildUuid}`);

    // A page on a sibling subdomain (the same site: SameSite=Strict sends the cookie) posts the form.
    const forged = await browser.post(
      `/environments/${buildUuid}/rebuild`,
      { _csrf: formToken },
      'https://evil.example',
    );
    expect(forged.status).toBe(403);
    expect(await forged.text()).toContain('evil.example');
    // Without the token, from our own origin: refused too.
    expect((await browser.post(`/environments/${buildUuid}/rebuild`, {}, own())).status).toBe(403);
    expect(await buildCount()).toBe(before);

    const real = await browser.post(`/environments/${buildUuid}/rebuild`, { _csrf: formToken }, own());
    expect(real.status).toBe(303);
    expect(await buildCount()).toBe(before + 1);

    // Signed out, the session is gone server-side: the old cookie no longer rebuilds.
    const stolen = new Map(browser.cookies);
    expect((await browser.post('/sign-out', { _csrf: formToken }, own())).status).toBe(303);
    const replay = new Browser(server.url);
    for (const [name, value] of stolen) replay.cookies.set(name, value);
    const replayed = await replay.post(`/environments/${buildUuid}/rebuild`, { _csrf: formToken }, own());
    expect(replayed.headers.get('location')).toBe('/sign-in');
    expect(await buildCount()).toBe(before + 1);
  });

  it('answers the 11th sign-in attempt within a minute with 429', async () => {
    // A replica of its own: the limit counts every attempt from this address, the other tests' too.
    const fresh = await startServe({
      repositories: [{ name: repository, cloneUrl: 'file:///nonexistent/shop.git' }],
      env: { DEPLOYER_REGISTRY: '127.0.0.1:9' },
    });
    const browser = new Browser(fresh.url);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 11; attempt += 1) {
      const token = await browser.csrfToken('/sign-in');
      statuses.push(
        (await browser.post('/sign-in', { _csrf: token, token: `guess-${attempt}-0000000000` }, fresh.url))
          .status,
      );
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses[10]).toBe(429);
    await fresh.stop();
  });

  it('answers NUL bytes, over-long and out-of-range values with 4xx, never 500, and keeps the delivery', async () => {
    for (const path of [
      '/environments/main%00',
      `/environments/${'a'.repeat(5000)}`,
      '/environments/x?repository=%00',
    ]) {
      const status = (await fetch(`${server.url}${path}`)).status;
      expect({ path, status: status >= 400 && status < 500 }).toEqual({ path, status: true });
    }
    for (const path of ['/api/environments/main%00', '/api/environments/main?repository=a%00b']) {
      const status = (await server.api(path)).status;
      expect({ path, status: status >= 400 && status < 500 }).toEqual({ path, status: true });
    }
    const titled = await deliver(
      server.url,
      'pull_request',
      pullRequestPayload({
        action: 'opened',
        repository,
        number: 2,
        headSha: 'b'.repeat(40),
        title: 'nul \u0000 here',
      }),
      { secret: webhookSecret },
    );
    expect(titled.status).toBe(202);
    expect((await environmentOf(server, { pullRequest: 2 }))?.buildUuid).toBe(titled.body.buildUuid);

    for (const number of [2147483648, -1, 1.5]) {
      const refused = await deliver(
        server.url,
        'pull_request',
        pullRequestPayload({ action: 'opened', repository, number, headSha: 'c'.repeat(40) }),
        { secret: webhookSecret },
      );
      expect(refused.status).toBe(400);
      expect(JSON.stringify(refused.body)).toContain('pull_request.number');
    }
    expect(server.log()).not.toContain('"statusCode":500');
  });
});
