import { createHmac, randomBytes } from 'node:crypto';
import cookie from '@fastify/cookie';
import csrfProtection from '@fastify/csrf-protection';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sessionCookieName } from './sessions.js';

/** The cookie holding the browser's CSRF secret (the tokens in forms are made from it). */
export const csrfCookieName = 'deployer_csrf';

/**
 * What a form's CSRF token is bound to besides the browser's secret: the session cookie's id, so a token
 * made for one session (an attacker's own) never passes with another; before sign-in, a fixed word.
 */
function csrfUserInfo(request: FastifyRequest): string {
  return request.cookies[sessionCookieName] ?? 'signed-out';
}

/**
 * Cookies and CSRF tokens for the form posts of the status pages, in the plugin's scope
 * (`@fastify/cookie`, `@fastify/csrf-protection`): a secret per browser in an HttpOnly, SameSite=Strict
 * cookie, and tokens that are an HMAC over that secret and the session id under a key derived from the
 * API token — the signed double-submit cookie of OWASP's cheat sheet. Every replica derives the same key,
 * so a token made by one passes on another; a cookie planted from a sibling subdomain makes no valid
 * token without the key. Returns the token for a page's forms.
 */
export async function registerFormProtection(
  app: FastifyInstance,
  apiToken: string | undefined,
): Promise<(request: FastifyRequest, reply: FastifyReply) => string> {
  await app.register(cookie);
  const hmacKey =
    apiToken === undefined
      ? randomBytes(32)
      : createHmac('sha256', apiToken).update('deployer status page csrf tokens').digest();
  await app.register(csrfProtection, {
    cookieKey: csrfCookieName,
    cookieOpts: { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' },
    getUserInfo: csrfUserInfo,
    // Only the form field: pages post forms, never scripts with headers.
    getToken: (request) => {
      const token = (request.body as { _csrf?: unknown } | undefined)?._csrf;
      return typeof token === 'string' ? token : undefined;
    },
    csrfOpts: { hmacKey, userInfo: true },
  });
  return (request, reply) => reply.generateCsrf({ userInfo: csrfUserInfo(request) });
}
