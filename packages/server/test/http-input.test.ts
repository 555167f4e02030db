import { getEnvironment } from '@deployer/state';
import { describe, expect, it } from 'vitest';
import { example } from './helpers/deliveries.js';
import { apiToken, deliver, openPullRequest, repository, useServerState } from './support/http-app.js';

// What a stranger controls — a path, a query, the strings and numbers of a pull request GitHub signs —
// is checked at the edge: a 4xx naming what is wrong, never a 500, never a delivery silently lost.
const server = useServerState();
const bearer = { authorization: `Bearer ${apiToken}` };

describe('paths and queries', () => {
  const badUuids = ['main%00', 'main%00x', 'Main', 'a--b', 'a'.repeat(64), 'a'.repeat(1000), '%E2%80%AE'];

  it('answers a build uuid that cannot be one with 400 on the pages and the API', async () => {
    const { app } = await server.app();
    for (const uuid of badUuids) {
      for (const [url, headers] of [
        [`/environments/${uuid}`, {}],
        [`/api/environments/${uuid}`, bearer],
        [`/api/environments/${uuid}/rebuild`, bearer],
      ] as const) {
        const method = url.endsWith('/rebuild') ? 'POST' : 'GET';
        const response = await app.inject({ method, url, headers });
        expect(response.statusCode, `${method} ${url.slice(0, 80)}`).toBe(400);
        expect(response.body).toContain('INVALID_BUILD_UUID');
        expect(response.body).toContain('path parameter buildUuid: must be a build uuid');
      }
    }
  });

  it("refuses a path parameter past the router's limit, or a malformed path, without echoing it", async () => {
    const { app } = await server.app();
    const long = await app.inject({ method: 'GET', url: `/environments/${'a'.repeat(5000)}` });
    expect(long.statusCode).toBe(414);
    expect(long.json()).toEqual({
      error: 'PATH_PARAMETER_TOO_LONG',
      message: 'a path parameter is longer than 1024 characters',
    });
    const malformed = await app.inject({ method: 'GET', url: '/api/environments/%E0%A4%A', headers: bearer });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error).toBe('INVALID_URL');
  });

  it('answers a repository query that cannot be a GitHub name with 400', async () => {
    const { app } = await server.app();
    const queries = [
      'acme%2Fshop%00',
      `acme%2F${'x'.repeat(101)}`,
      'acme',
      'acme%2F..',
      'a&repository=b%2Fc',
    ];
    for (const query of queries) {
      for (const [url, headers] of [
        [`/environments/main?repository=${query}`, {}],
        [`/api/environments/main?repository=${query}`, bearer],
      ] as const) {
        const response = await app.inject({ method: 'GET', url, headers });
        expect(response.statusCode, url.slice(0, 80)).toBe(400);
        expect(response.body).toContain('query parameter repository: must be one GitHub full name');
      }
    }
    const fine = await app.inject({
      method: 'GET',
      url: '/api/environments/main?repository=acme%2Fshop',
      headers: bearer,
    });
    expect(fine.statusCode).toBe(404);
  });
});

describe('signed deliveries', () => {
  it('stores a pull request whose title and labels carry NUL, with U+FFFD in its place: 202', async () => {
    const { app } = await server.app();
    const buildUuid = await openPullRequest(app, 'Nul\u0000in the title');
    const [environment] = await getEnvironment(server.state(), buildUuid, repository);
    expect(environment?.pullRequestTitle).toBe('Nul\uFFFDin the title');

    const payload = example('pull_request', 'opened');
    payload.number = 77;
    payload.pull_request.number = 77;
    payload.action = 'opened\u0000';
    payload.pull_request.labels = [{ name: 'pre\u0000view' }];
    const odd = await deliver(app, 'pull_request', payload);
    expect(odd.statusCode).toBe(202);
    expect(odd.json()).toMatchObject({
      result: 'ignored',
      reason: 'pull_request opened\uFFFD: changes no environment',
    });
  });

  it('answers a pull request number out of range, negative or fractional with 400 naming the field', async () => {
    const { app } = await server.app();
    const cases: Array<[string, (payload: ReturnType<typeof example>) => void]> = [
      ['pull_request.number', (p) => Object.assign(p.pull_request, { number: 2_147_483_648 })],
      [
        'pull_request.number',
        (p) =>
          Object.assign(p, { number: 2 ** 53 }, { pull_request: { ...p.pull_request, number: 2 ** 53 } }),
      ],
      ['number', (p) => Object.assign(p, { number: 2_147_483_648 })],
      ['number', (p) => Object.assign(p, { number: -1 })],
      ['number', (p) => Object.assign(p, { number: 1.5 })],
      ['number', (p) => Object.assign(p, { number: '12' })],
      ['number', (p) => Object.assign(p, { number: 0 })],
    ];
    for (const [field, change] of cases) {
      const payload = example('pull_request', 'opened');
      change(payload);
      const response = await deliver(app, 'pull_request', payload);
      expect(response.statusCode, `${field} ${JSON.stringify(payload.number)}`).toBe(400);
      expect(response.json()).toEqual({
        error: 'INVALID_PAYLOAD',
        message: `pull_request payload: ${field}: must be a pull request number, a whole number from 1 to 2147483647`,
      });
    }
    const huge = example('pull_request', 'opened');
    const text = JSON.stringify(huge).replace('"number":2,', '"number":1e400,');
    expect((await deliver(app, 'pull_request', text)).statusCode).toBe(400);
  });
});
