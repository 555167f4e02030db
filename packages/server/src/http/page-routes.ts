import { getEnvironment, listEnvironments, requestRebuild, type State } from '@deployer/state';
import {
  type PageAccess,
  renderEnvironmentPage,
  renderEnvironmentsPage,
  statusPageHeaders,
} from '@deployer/status-page';
import formbody from '@fastify/formbody';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { environmentPagePath } from './environment-page-path.js';
import { refuseForeignOrigin } from './form-origin.js';
import { registerFormProtection } from './form-protection.js';
import { pageErrorHandler } from './page-errors.js';
import { requestTarget } from './request-target.js';
import { sessions as makeSessions } from './sessions.js';
import { signInRoutes } from './sign-in-routes.js';

export interface PageRoutesOptions {
  state: State;
  apiToken: string | undefined;
  /** Failure text for everyone (the config's `pages.public`); else for signed-in visitors only. */
  pagesPublic: boolean;
  now: () => Date;
  sessionTtlMs: number;
  onRebuild?: () => void;
}

/**
 * The status pages: environments at `/`, one environment's builds at `/environments/:buildUuid`, sign-in
 * with the API token, and the rebuild button's form post. Reading needs no sign-in (failure text does,
 * unless the pages are public); rebuilding does, from this server's own page, with the form's CSRF token.
 */
export async function pageRoutes(app: FastifyInstance, options: PageRoutesOptions): Promise<void> {
  app.setErrorHandler(pageErrorHandler);
  await app.register(formbody, { bodyLimit: 4096 });
  const csrfToken = await registerFormProtection(app, options.apiToken);
  const sessions = makeSessions({ state: options.state, now: options.now, ttlMs: options.sessionTtlMs });
  await signInRoutes(app, { apiToken: options.apiToken, sessions, csrfToken });

  const page = (reply: FastifyReply, status: number, body: string) =>
    reply.code(status).headers(statusPageHeaders).send(body);
  const access = async (request: FastifyRequest, reply: FastifyReply): Promise<PageAccess> => {
    const signedIn = (await sessions.current(request)) !== undefined;
    return {
      signedIn,
      showFailureText: signedIn || options.pagesPublic,
      ...(signedIn && { csrfToken: csrfToken(request, reply) }),
    };
  };

  app.get('/', async (request, reply) =>
    page(
      reply,
      200,
      renderEnvironmentsPage(await listEnvironments(options.state), {
        ...(await access(request, reply)),
        now: options.now(),
      }),
    ),
  );
  app.get('/environments/:buildUuid', async (request, reply) => {
    const { buildUuid, repository } = requestTarget(request);
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
      renderEnvironmentPage(found[0]!, { ...(await access(request, reply)), now: options.now() }),
    );
  });
  app.post(
    '/environments/:buildUuid/rebuild',
    {
      onRequest: refuseForeignOrigin,
      // Signed out: to the sign-in page, nothing read; signed in: the form's CSRF token must match.
      preHandler: [
        async (request, reply) => {
          if ((await sessions.current(request)) === undefined) {
            return reply.code(303).header('location', '/sign-in').send();
          }
        },
        app.csrfProtection,
      ],
    },
    async (request, reply) => {
      const { buildUuid, repository } = requestTarget(request);
      const result = await requestRebuild(options.state, buildUuid, repository);
      if ('error' in result) {
        return reply
          .code(result.error === 'not-found' ? 404 : 409)
          .type('text/plain; charset=utf-8')
          .send(`cannot rebuild ${buildUuid}: ${result.error}`);
      }
      options.onRebuild?.();
      return reply.code(303).header('location', environmentPagePath(buildUuid, repository)).send();
    },
  );
}
