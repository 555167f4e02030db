import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HttpRequestError } from './http-error.js';

/** The refusals of `@fastify/csrf-protection`, in words a person at the form can act on. */
const csrfRefusals: Record<string, string> = {
  FST_CSRF_MISSING_SECRET:
    'refused: this browser sent no CSRF cookie with the form. Open the page again (with cookies on) and submit its form.',
  FST_CSRF_INVALID_TOKEN:
    "refused: the form's CSRF token is missing or does not belong to this browser's session. Reload the page and submit its form again.",
};

/**
 * The pages' error handler: a refused form post or a bad page address is answered as plain text a person
 * reads in the browser (the status and the code in the body); anything else goes on to the app's
 * handler.
 */
export function pageErrorHandler(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const csrf = csrfRefusals[error.code];
  const [status, code, message] =
    error instanceof HttpRequestError
      ? [error.status, error.code, error.message]
      : csrf !== undefined
        ? [403, 'CSRF_TOKEN_INVALID', csrf]
        : [];
  if (status === undefined) throw error;
  return reply.code(status).type('text/plain; charset=utf-8').send(`${status} ${code}: ${message}\n`);
}
