import { sql } from 'kysely';
import type { State } from '../database/open-state.js';

export interface ClaimSweepOptions {
  /** Which sweep, e.g. `ttl`. */
  name: string;
  replica: string;
  /** The sweep runs once per this many seconds across all replicas. */
  everySeconds: number;
}

/**
 * Whether this replica runs the sweep now: true for exactly one caller per interval, whichever replica
 * asks first once the last run is `everySeconds` old (one statement: insert, or update only when due).
 */
export async function claimSweep(state: State, options: ClaimSweepOptions): Promise<boolean> {
  const claimed = await state.db
    .insertInto('sweeps')
    .values({ name: options.name, holder: options.replica })
    .onConflict((conflict) =>
      conflict
        .column('name')
        .doUpdateSet({ holder: options.replica, started_at: sql<Date>`now()` })
        .where(
          'sweeps.started_at',
          '<=',
          sql<Date>`now() - make_interval(secs => ${options.everySeconds}::double precision)`,
        ),
    )
    .returning('name')
    .executeTakeFirst();
  return claimed !== undefined;
}
