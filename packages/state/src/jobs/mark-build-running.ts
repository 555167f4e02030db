import { holdsClaim } from '../claims/hold-claim.js';
import type { State } from '../database/open-state.js';
import { now } from '../database/sql-values.js';
import type { ClaimedJob } from '../types.js';

/**
 * The build started on `engine`: its status and start time, and the environment `building` when the job
 * is its current generation's build. Nothing is written when the environment's claim is no longer this job's.
 */
export async function markBuildRunning(state: State, job: ClaimedJob, engine: string): Promise<void> {
  await state.db.transaction().execute(async (tx) => {
    if (!(await holdsClaim(tx, job))) return;
    await tx
      .updateTable('builds')
      .set({ status: 'running', engine, started_at: now })
      .where('id', '=', job.buildId)
      .execute();
    if (job.kind !== 'build') return;
    await tx
      .updateTable('environments')
      .set({ status: 'building', updated_at: now })
      .where('id', '=', job.environment.id)
      .where('generation', '=', job.generation)
      .execute();
  });
}
