import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Whether an `Authorization` header carries the API token. Both sides are hashed first so the comparison
 * takes the same time whatever the length or content of what was sent.
 */
export function hasBearerToken(header: string | undefined, token: string | undefined): boolean {
  if (token === undefined || token === '' || header === undefined) return false;
  const match = /^Bearer ([^\s]+)$/i.exec(header.trim());
  if (match === null) return false;
  return sameSecret(match[1] ?? '', token);
}

/** Constant-time equality of two secrets. */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}
