import { createHash } from 'node:crypto';

/**
 * What the database keeps of a session id: its SHA-256, hex. The id is 256 random bits, so a plain hash
 * (no salt, no slow KDF) is enough to make a stolen copy of the table useless for signing in.
 */
export function sessionIdHash(sessionId: string): string {
  return createHash('sha256').update(sessionId, 'utf8').digest('hex');
}
