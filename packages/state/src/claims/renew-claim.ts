import type { State } from '../database/open-state.js';
import { secondsFromNow } from '../database/sql-values.js';
import type { ClaimedJob, ClaimStatus } from '../types.js';

/**
 * Extends the environment's claim the job holds by `claimSeconds` from the database's now. `held: false` when another replica took
 * the environment over (stop, write nothing); `superseded: true` when the environment moved to a newer
 * generation than the job's (a newer SHA, a close, a rebuild).
 */
export async function renewClaim(state: State, job: ClaimedJob, claimSeconds: number): Promise<ClaimStatus> {
  return state.db.transaction().execute(async (tx) => {
    const renewed = await tx
      .updateTable('claims')
      .set({ expires_at: secondsFromNow(claimSeconds) })
      .where('environment_id', '=', job.environment.id)
      .where('token', '=', job.claimToken)
      .returning('token')
      .executeTakeFirst();
    const environment = await tx
      .selectFrom('environments')
      .select('generation')
      .where('id', '=', job.environment.id)
      .executeTakeFirst();
    return {
      held: renewed !== undefined,
      superseded: environment === undefined || environment.generation > job.generation,
    };
  });
}
