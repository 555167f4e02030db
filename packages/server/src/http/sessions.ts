import { randomBytes } from 'node:crypto';
import { createSession, findSession, revokeSession, type State } from '@deployer/state';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** The cookie that names a browser's session; the session itself lives in the state. */
export const sessionCookieName = 'deployer_session';
/** How long a sign-in lasts; signing in again starts a new one. */
export const defaultSessionTtlMs = 12 * 60 * 60 * 1000;

// 32 random bytes, base64url: what the cookie holds. Anything else is no session, without a query.
const sessionIdPattern = /^[A-Za-z0-9_-]{43}$/;

export interface SessionsOptions {
  state: State;
  now: () => Date;
  ttlMs: number;
}

/**
 * The status pages' sign-in sessions: a random id in an HttpOnly, SameSite=Strict cookie (Secure over
 * https), the id's hash and expiry in the state every replica shares, so any replica honours a sign-in and
 * a sign-out or a revocation ends it everywhere at once.
 */
export function sessions(options: SessionsOptions) {
  return {
    /** The request's session id when its cookie names a live session. */
    async current(request: FastifyRequest): Promise<string | undefined> {
      const id = request.cookies[sessionCookieName];
      if (id === undefined || !sessionIdPattern.test(id)) return undefined;
      return (await findSession(options.state, id, options.now())) === undefined ? undefined : id;
    },
    /** A new session (expired ones are pruned meanwhile) and its cookie on the reply. */
    async start(reply: FastifyReply): Promise<void> {
      const sessionId = randomBytes(32).toString('base64url');
      await createSession(options.state, { sessionId, now: options.now(), ttlMs: options.ttlMs });
      reply.setCookie(sessionCookieName, sessionId, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: 'auto',
        maxAge: Math.floor(options.ttlMs / 1000),
      });
    },
    /** Revokes the request's session, if any, and clears its cookie. */
    async end(request: FastifyRequest, reply: FastifyReply): Promise<void> {
      const id = request.cookies[sessionCookieName];
      if (id !== undefined && sessionIdPattern.test(id)) await revokeSession(options.state, id);
      reply.clearCookie(sessionCookieName, { path: '/', httpOnly: true, sameSite: 'strict', secure: 'auto' });
    },
  };
}

export type Sessions = ReturnType<typeof sessions>;
