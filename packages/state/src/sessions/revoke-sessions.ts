import type { State } from '../database/open-state.js';
import { sessionIdHash } from './session-id-hash.js';

/** Ends one session (sign-out); true when it existed. */
export async function revokeSession(state: State, sessionId: string): Promise<boolean> {
  const result = await state.db
    .deleteFrom('sessions')
    .where('id_hash', '=', sessionIdHash(sessionId))
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

/**
 * Ends every session on every replica at once, without changing the API token (a lost laptop, a
 * departing operator); returns how many there were.
 */
export async function revokeAllSessions(state: State): Promise<number> {
  const result = await state.db.deleteFrom('sessions').executeTakeFirst();
  return Number(result.numDeletedRows);
}
