import { dropClaim, holdsClaim } from '../claims/hold-claim.js';
import type { State } from '../database/open-state.js';
import type { ClaimedJob } from '../types.js';

/**
 * Puts a job this replica could not finish (SIGTERM past the deadline) back in the queue and releases the
 * environment's claim, so another replica claims it at once instead of waiting for the claim to expire.
 */
export async function releaseJob(state: State, job: ClaimedJob): Promise<void> {
  await state.db.transaction().execute(async (tx) => {
    if (!(await holdsClaim(tx, job))) return;
    await tx
      .updateTable('jobs')
      .set({ state: 'queued', claimed_by: null, claimed_at: null })
      .where('id', '=', job.jobId)
      .execute();
    await tx
      .updateTable('builds')
      .set({ status: 'queued', started_at: null, engine: null, replica: null })
      .where('id', '=', job.buildId)
      .where('status', 'in', ['queued', 'running'])
      .execute();
    await dropClaim(tx, job);
  });
}
