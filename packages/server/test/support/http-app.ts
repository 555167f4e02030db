import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildUuid } from '@deployer/contracts';
import { validateBuildUuid } from '@deployer/deploy';
import { claimJob, finishJob, openState, type State } from '@deployer/state';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { createServerApp } from '../../src/index.js';
import { config, example, type Payload, secret, signedRequest } from '../helpers/deliveries.js';

export const apiToken = 'an-api-token-of-enough-length';
/** The repository of @octokit/webhooks-examples' payloads. */
export const repository = 'Codertocat/Hello-World';

/** A clock the test moves: sessions and pages read it. */
export interface Clock {
  now: () => Date;
  advance(ms: number): void;
}

function clock(): Clock {
  let at = Date.now();
  return { now: () => new Date(at), advance: (ms) => (at += ms) };
}

export interface AppOptions {
  pagesPublic?: boolean;
  /** Another app on the same state and clock: a second replica. */
  clock?: Clock;
}

/**
 * One real PGlite state for the test file (opened in beforeAll) and the HTTP app on it, as many as a
 * test wants (each its own replica: its own rate limits, the same sessions).
 */
export function useServerState() {
  let folder = '';
  let state: State | undefined;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'deployer-server-http-'));
    state = await openState({ dataDir: join(folder, 'state') });
  });
  afterAll(async () => {
    await Promise.all(apps.map((app) => app.close()));
    await state?.close();
    await rm(folder, { recursive: true, force: true });
  });
  return {
    state: () => {
      if (state === undefined) throw new Error('state not open');
      return state;
    },
    async app(options: AppOptions = {}) {
      const time = options.clock ?? clock();
      const app = await createServerApp({
        state: this.state(),
        config: {
          ...config([{ name: repository, spec: 'deploy/env.yaml' }]),
          pages: { public: options.pagesPublic ?? false },
        },
        webhookSecret: secret,
        apiToken,
        now: time.now,
      });
      apps.push(app);
      return { app, clock: time };
    },
  };
}

/** Posts a signed delivery, as GitHub does. */
export async function deliver(app: FastifyInstance, event: string, payload: Payload | string) {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const { headers, rawBody } = await signedRequest(event, body);
  return app.inject({ method: 'POST', url: '/webhooks/github', headers, payload: rawBody });
}

let pullRequests = 100;

/** A pull request opened with a fresh number: its environment's build uuid. */
export async function openPullRequest(app: FastifyInstance, title = 'Add a cart'): Promise<BuildUuid> {
  const payload = example('pull_request', 'opened');
  payload.number = ++pullRequests;
  payload.pull_request.number = payload.number;
  payload.pull_request.title = title;
  const response = await deliver(app, 'pull_request', payload);
  if (response.statusCode !== 202) throw new Error(`delivery: ${response.statusCode} ${response.body}`);
  // The uuid the server generated: valid by deploy's rule, which this checks too.
  return validateBuildUuid(response.json().buildUuid, 'the delivery response');
}

/** Runs every queued job to a failure with an error and a report that say why. */
export async function failQueuedBuilds(state: State, why: string): Promise<void> {
  for (;;) {
    const job = await claimJob(state, { replica: 'test', claimSeconds: 30 });
    if (job === undefined) return;
    const failure = { cause: 'build', step: `RUN ${why}`, logTail: [`log: ${why}`] };
    const web = { service: 'web', status: 'failed', image: 'registry.test/web:c0ffee', cacheHitRatio: 0.5 };
    await finishJob(state, job, {
      status: 'failed',
      error: `error: ${why}`,
      report: { engine: 'buildah', services: [{ ...web, reason: `reason: ${why}`, failure }] },
    });
  }
}

/** The Set-Cookie headers of a response as name → value. */
export function cookiesOf(response: LightMyRequestResponse): Record<string, string> {
  return Object.fromEntries(response.cookies.map((cookie) => [cookie.name, cookie.value]));
}

/** A browser's cookie jar, as the Cookie header. */
export function cookieHeader(cookies: Record<string, string>): string {
  return Object.entries(cookies)
    .map(([name, value]) => `${name}=${value}`)
    .join('; ');
}

/** The CSRF token of the page's first form. */
export function csrfTokenOf(html: string): string {
  const token = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  if (token === undefined) throw new Error('the page has no CSRF token');
  return token;
}

/** A form post as a browser on this server's page sends it. */
export function formPost(url: string, cookies: Record<string, string>, fields: Record<string, string>) {
  return {
    method: 'POST' as const,
    url,
    headers: {
      cookie: cookieHeader(cookies),
      'content-type': 'application/x-www-form-urlencoded',
      origin: 'http://localhost:80',
      'sec-fetch-site': 'same-origin',
    },
    payload: new URLSearchParams(fields).toString(),
  };
}

/** Signs in as a browser does: the sign-in page, then its form. The browser's cookies afterwards. */
export async function signIn(app: FastifyInstance): Promise<Record<string, string>> {
  const page = await app.inject({ method: 'GET', url: '/sign-in' });
  const cookies = cookiesOf(page);
  const response = await app.inject(
    formPost('/sign-in', cookies, { _csrf: csrfTokenOf(page.body), token: apiToken }),
  );
  if (response.statusCode !== 303) throw new Error(`sign-in: ${response.statusCode} ${response.body}`);
  return { ...cookies, ...cookiesOf(response) };
}

/** A page's CSRF token for a signed-in browser, as the environment page's forms carry it. */
export async function pageCsrfToken(app: FastifyInstance, cookies: Record<string, string>): Promise<string> {
  const page = await app.inject({ method: 'GET', url: '/', headers: { cookie: cookieHeader(cookies) } });
  return csrfTokenOf(page.body);
}
