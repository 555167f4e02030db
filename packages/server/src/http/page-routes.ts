import { getEnvironment, listEnvironments, requestRebuild, type State } from '@deployer/state';
import {
  renderEnvironmentPage,
  renderEnvironmentsPage,
  renderSignInPage,
  statusPageHeaders,
} from '@deployer/status-page';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { target } from './api-routes.js';
import { sameSecret } from './bearer-token.js';
import { sessionCookie, signedIn } from './session-cookie.js';

export interface PageRoutesOptions {
  state: State;
  apiToken: string | undefined;
  onRebuild?: () => void;
}

/**
 * The status pages: environments at `/`, one environment's builds at `/environments/:buildUuid`, sign-in
 * with the API token, and the rebuild button's form post. Reading needs no sign-in; rebuilding does.
 */
export async function pageRoutes(app: FastifyInstance, options: PageRoutesOptions): Promise<void> {
  await app.register(formbody, { bodyLimit: 4096 });
  const page = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).headers(statusPageHeaders).type('text/html; charset=utf-8').send(body);

  app.get('/', async (request, reply) =>
    page(
      reply,
      200,
      renderEnvironmentsPage(await listEnvironments(options.state), {
        signedIn: signedIn(request.headers.cookie, options.apiToken),
        now: new Date(),
      }),
    ),
  );
  app.get('/environments/:buildUuid', async (request, reply) => {
    const { buildUuid, repository } = target(request);
    const found = await getEnvironment(options.state, buildUuid, repository);
    if (found.length !== 1) {
      return reply
        .code(found.length === 0 ? 404 : 409)
        .type('text/plain; charset=utf-8')
        .send(
          found.length === 0
            ? `no environment ${buildUuid}`
            : `several repositories have ${buildUuid}: add ?repository=owner/name`,
        );
    }
    return page(
      reply,
      200,
      renderEnvironmentPage(found[0]!, {
        signedIn: signedIn(request.headers.cookie, options.apiToken),
        now: new Date(),
      }),
    );
  });
  app.get('/sign-in', async (_request, reply) => page(reply, 200, renderSignInPage({})));
  app.post('/sign-in', async (request, reply) => {
    const token = (request.body as { token?: unknown } | undefined)?.token;
    if (options.apiToken === undefined || typeof token !== 'string' || !sameSecret(token, options.apiToken)) {
      return page(
        reply,
        401,
        renderSignInPage({
          error: options.apiToken
            ? 'That is not the API token.'
            : 'Sign-in is off: the server has no DEPLOYER_API_TOKEN.',
        }),
      );
    }
    const secure = request.protocol === 'https';
    return reply
      .code(303)
      .header('set-cookie', sessionCookie(options.apiToken, secure))
      .header('location', '/')
      .send();
  });
  app.post('/environments/:buildUuid/rebuild', async (request, reply) => {
    if (!signedIn(request.headers.cookie, options.apiToken))
      return reply.code(303).header('location', '/sign-in').send();
    const { buildUuid, repository } = target(request);
    const result = await requestRebuild(options.state, buildUuid, repository);
    if ('error' in result) {
      return reply
        .code(result.error === 'not-found' ? 404 : 409)
        .type('text/plain; charset=utf-8')
        .send(`cannot rebuild ${buildUuid}: ${result.error}`);
    }
    options.onRebuild?.();
    const query = repository ? `?repository=${encodeURIComponent(repository)}` : '';
    return reply
      .code(303)
      .header('location', `/environments/${encodeURIComponent(buildUuid)}${query}`)
      .send();
  });
}
