import { sql } from 'kysely';
import type { State } from '../database/open-state.js';

/** How many jobs wait to be claimed (metrics, readiness); a held merged teardown waits for no worker. */
export async function countQueuedJobs(state: State): Promise<number> {
  const row = await state.db
    .selectFrom('jobs')
    .select(sql<number>`count(*)::int`.as('queued'))
    .where('state', '=', 'queued')
    .where((eb) => eb.or([eb('held_until', 'is', null), eb('held_until', '<=', sql<Date>`now()`)]))
    .executeTakeFirstOrThrow();
  return row.queued;
}
