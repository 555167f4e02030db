import type { State } from '../database/open-state.js';
import { sessionIdHash } from './session-id-hash.js';

/** A live session: when it was made and when it ends. */
export interface SessionRecord {
  createdAt: Date;
  expiresAt: Date;
}

/**
 * The session a cookie's id names, if it is still live at `now` (the server's clock); undefined when it
 * is unknown, revoked or expired. Any replica answers alike: the sessions live in the shared state.
 */
export async function findSession(
  state: State,
  sessionId: string,
  now: Date,
): Promise<SessionRecord | undefined> {
  const row = await state.db
    .selectFrom('sessions')
    .select(['created_at', 'expires_at'])
    .where('id_hash', '=', sessionIdHash(sessionId))
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return row === undefined
    ? undefined
    : { createdAt: new Date(row.created_at), expiresAt: new Date(row.expires_at) };
}
