import type { State } from '../database/open-state.js';
import { sessionIdHash } from './session-id-hash.js';

export interface CreateSessionOptions {
  /** The random id the browser's cookie carries; only its hash is stored. */
  sessionId: string;
  /** The server's clock (tests move it); the session ends `ttlMs` after it. */
  now: Date;
  ttlMs: number;
}

/**
 * Stores a new sign-in and, in the same transaction, deletes every session that has expired by `now`,
 * so the table holds live sessions only (plus those that expired since the last sign-in).
 */
export async function createSession(
  state: State,
  options: CreateSessionOptions,
): Promise<{ expiresAt: Date }> {
  const expiresAt = new Date(options.now.getTime() + options.ttlMs);
  await state.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('sessions').where('expires_at', '<=', options.now).execute();
    await tx
      .insertInto('sessions')
      .values({ id_hash: sessionIdHash(options.sessionId), created_at: options.now, expires_at: expiresAt })
      .execute();
  });
  return { expiresAt };
}
