import { createHmac } from 'node:crypto';
import { sameSecret } from './bearer-token.js';

const cookieName = 'deployer_session';

/**
 * The status page's sign-in: the API token proves who you are once; the cookie then holds an HMAC of a
 * fixed label under the token, never the token itself. HttpOnly (no script reads it) and SameSite=Strict
 * (no other site's form can post with it, which is the rebuild button's CSRF protection).
 */
export function sessionCookie(apiToken: string, secure: boolean): string {
  return `${cookieName}=${sessionValue(apiToken)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200${secure ? '; Secure' : ''}`;
}

export function signedIn(cookieHeader: string | undefined, apiToken: string | undefined): boolean {
  if (apiToken === undefined || apiToken === '' || cookieHeader === undefined) return false;
  const value = cookieHeader
    .split(';')
    .map((part) => part.trim().split('='))
    .find(([name]) => name === cookieName)?.[1];
  return value !== undefined && sameSecret(value, sessionValue(apiToken));
}

function sessionValue(apiToken: string): string {
  return createHmac('sha256', apiToken).update('deployer status page session').digest('base64url');
}
