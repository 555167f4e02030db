import { renderSignInPage, statusPageHeaders } from '@deployer/status-page';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sameSecret } from './bearer-token.js';
import { refuseForeignOrigin } from './form-origin.js';
import { HttpRequestError } from './http-error.js';
import type { Sessions } from './sessions.js';

/** Sign-in attempts a client (by IP address) may make per minute, on each replica. */
export const signInAttemptsPerMinute = 10;

export interface SignInRoutesOptions {
  apiToken: string | undefined;
  sessions: Sessions;
  csrfToken: (request: FastifyRequest, reply: FastifyReply) => string;
}

/**
 * `GET /sign-in`, `POST /sign-in` (the API token for a session) and `POST /sign-out` (the session
 * revoked). Both posts are forms: foreign origins and wrong CSRF tokens are refused before anything is
 * read. Sign-in attempts are limited per client; the count is each replica's own (in memory), so behind
 * a balancer over N replicas a client gets at most N times the limit — still nowhere near guessing an API
 * token of at least 16 characters.
 */
export async function signInRoutes(app: FastifyInstance, options: SignInRoutesOptions): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new HttpRequestError(
        429,
        'TOO_MANY_SIGN_IN_ATTEMPTS',
        `too many sign-in attempts from this address: at most ${signInAttemptsPerMinute} a minute; try again in ${context.after}`,
      ),
  });
  const signInPage = (request: FastifyRequest, reply: FastifyReply, status: number, error?: string) =>
    reply
      .code(status)
      .headers(statusPageHeaders)
      .send(renderSignInPage({ error, csrfToken: options.csrfToken(request, reply) }));

  app.get('/sign-in', async (request, reply) => signInPage(request, reply, 200));
  app.post(
    '/sign-in',
    {
      config: { rateLimit: { max: signInAttemptsPerMinute, timeWindow: 60_000 } },
      onRequest: refuseForeignOrigin,
      preHandler: app.csrfProtection,
    },
    async (request, reply) => {
      const token = (request.body as { token?: unknown } | undefined)?.token;
      if (options.apiToken === undefined) {
        return signInPage(request, reply, 401, 'Sign-in is off: the server has no DEPLOYER_API_TOKEN.');
      }
      if (typeof token !== 'string' || !sameSecret(token, options.apiToken)) {
        return signInPage(request, reply, 401, 'That is not the API token.');
      }
      await options.sessions.start(reply);
      return reply.code(303).header('location', '/').send();
    },
  );
  app.post(
    '/sign-out',
    { onRequest: refuseForeignOrigin, preHandler: app.csrfProtection },
    async (request, reply) => {
      await options.sessions.end(request, reply);
      return reply.code(303).header('location', '/').send();
    },
  );
}
