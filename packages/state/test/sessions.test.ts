import { expect, it } from 'vitest';
import { createSession, findSession, revokeAllSessions, revokeSession } from '../src/index.js';
import { forEachBackend } from './support/backends.js';

const hour = 3_600_000;
const at = (iso: string) => new Date(iso);

forEachBackend((open) => {
  it('keeps only a hash of the session id and finds a session until it expires', async () => {
    const state = await open();
    const now = at('2030-01-01T08:00:00Z');
    const made = await createSession(state, { sessionId: 'id-one', now, ttlMs: 12 * hour });
    expect(made.expiresAt).toEqual(at('2030-01-01T20:00:00Z'));

    const rows = await state.db.selectFrom('sessions').selectAll().execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]?.id_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(JSON.stringify(rows)).not.toContain('id-one');

    expect(await findSession(state, 'id-one', at('2030-01-01T19:59:59Z'))).toEqual({
      createdAt: now,
      expiresAt: made.expiresAt,
    });
    expect(await findSession(state, 'id-one', made.expiresAt)).toBeUndefined();
    expect(await findSession(state, 'id-two', now)).toBeUndefined();
  });

  it('prunes expired sessions when a new one is made', async () => {
    const state = await open();
    await createSession(state, { sessionId: 'old', now: at('2030-01-01T00:00:00Z'), ttlMs: hour });
    await createSession(state, { sessionId: 'live', now: at('2030-01-01T00:30:00Z'), ttlMs: hour });
    await createSession(state, { sessionId: 'new', now: at('2030-01-01T01:00:00Z'), ttlMs: hour });
    const left = await state.db.selectFrom('sessions').select('expires_at').orderBy('expires_at').execute();
    expect(left.map((row) => new Date(row.expires_at).toISOString())).toEqual([
      '2030-01-01T01:30:00.000Z',
      '2030-01-01T02:00:00.000Z',
    ]);
  });

  it('revokes one session, then every session, for every reader of the state', async () => {
    const state = await open();
    const now = at('2030-01-01T08:00:00Z');
    for (const sessionId of ['a', 'b', 'c']) await createSession(state, { sessionId, now, ttlMs: hour });
    expect(await revokeSession(state, 'a')).toBe(true);
    expect(await revokeSession(state, 'a')).toBe(false);
    expect(await findSession(state, 'a', now)).toBeUndefined();
    expect(await findSession(state, 'b', now)).toBeDefined();
    expect(await revokeAllSessions(state)).toBe(2);
    expect(await findSession(state, 'b', now)).toBeUndefined();
    expect(await findSession(state, 'c', now)).toBeUndefined();
    expect(await revokeAllSessions(state)).toBe(0);
  });
});
