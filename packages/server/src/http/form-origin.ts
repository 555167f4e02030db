import type { FastifyRequest } from 'fastify';
import { HttpRequestError } from './http-error.js';

/**
 * Why a state-changing form post does not come from this server's own pages, or undefined when it may.
 * SameSite=Strict alone is not enough: preview environments live on sibling subdomains, which are the
 * same *site*, so their pages' forms would carry the session cookie. A browser says where a post comes
 * from in `Sec-Fetch-Site` (only `same-origin` passes) and `Origin` (its host must be the request's
 * `Host`; the scheme is not compared, as a proxy may end TLS in front of the server). A client that sends
 * neither (curl, scripts) is no browser a page could steer, and still needs the CSRF token.
 */
export function foreignOriginProblem(request: FastifyRequest): string | undefined {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') {
    return `Sec-Fetch-Site is ${JSON.stringify(site)}: the form was posted from another site or origin`;
  }
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  if (origin === 'null') return 'the Origin is null (a sandboxed or redirected page)';
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return 'the Origin header is not a URL';
  }
  if (url.host === '') return 'the Origin names no host';
  // The Host header read with the Origin's scheme, so a default port written out (:443) compares equal.
  let host: string;
  try {
    host = new URL(`${url.protocol}//${request.host}`).host;
  } catch {
    return 'the Host header is not a host';
  }
  return url.host === host
    ? undefined
    : `the form was posted from ${url.origin}, not from this server (${host})`;
}

/** The onRequest hook of every form post: a foreign origin is a 403 before the body is even read. */
export async function refuseForeignOrigin(request: FastifyRequest): Promise<void> {
  const problem = foreignOriginProblem(request);
  if (problem !== undefined) {
    throw new HttpRequestError(
      403,
      'FOREIGN_ORIGIN',
      `refused: ${problem}. deployer takes form posts only from its own pages.`,
    );
  }
}
