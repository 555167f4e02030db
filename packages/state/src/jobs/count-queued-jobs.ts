import { sql } from 'kysely';
import type { State } from '../database/open-state.js';

/** How many jobs wait to be claimed (metrics, readiness). */
export async function countQueuedJobs(state: State): Promise<number> {
  const row = await state.db
    .selectFrom('jobs')
    .select(sql<number>`count(*)::int`.as('queued'))
    .where('state', '=', 'queued')
    .executeTakeFirstOrThrow();
  return row.queued;
}
