import { dropClaim, holdsClaim } from '../claims/hold-claim.js';
import type { State } from '../database/open-state.js';
import { jsonb, now, storedText } from '../database/sql-values.js';
import { lockRepository, releaseMergeHolds } from '../merges/merge-holds.js';
import type { ClaimedJob, EnvironmentStatus, JobOutcome } from '../types.js';

/**
 * Records the outcome (`superseded` instead, when the environment's generation moved past the job while it
 * ran), sets the environment's status (built / failed / deleted — only while the job is its current
 * generation, and never for a superseded or cancelled job), marks the job done, releases the teardowns of
 * pull requests merged into a branch whose build this was (merge-holds.ts) and the environment's claim: all in one
 * transaction, and only if the claim is still this job's (false otherwise, nothing
 * written).
 */
export async function finishJob(state: State, job: ClaimedJob, outcome: JobOutcome): Promise<boolean> {
  return state.db.transaction().execute(async (tx) => {
    if (!(await holdsClaim(tx, job))) return false;
    // The newest SHA wins: a build that ends after a newer generation was queued (a push, a close, a
    // rebuild) is superseded, whatever it came to; the newer one decides the environment's status.
    const environment = await tx
      .selectFrom('environments')
      .select(['generation', 'repository_id', 'branch'])
      .where('id', '=', job.environment.id)
      .forUpdate()
      .executeTakeFirst();
    const stale = environment !== undefined && environment.generation > job.generation;
    const status =
      stale && (outcome.status === 'succeeded' || outcome.status === 'failed')
        ? 'superseded'
        : outcome.status;
    await tx
      .updateTable('builds')
      .set({
        status,
        report: outcome.report === undefined ? null : jsonb(outcome.report),
        error: storedText(outcome.error ?? null),
        finished_at: now,
      })
      .where('id', '=', job.buildId)
      .execute();
    const environmentStatus = statusAfter(job, { ...outcome, status });
    if (environmentStatus !== undefined) {
      await tx
        .updateTable('environments')
        .set({ status: environmentStatus, updated_at: now, last_activity_at: now })
        .where('id', '=', job.environment.id)
        .where('generation', '=', job.generation)
        .execute();
    }
    await tx.updateTable('jobs').set({ state: 'done' }).where('id', '=', job.jobId).execute();
    // A branch's finished build has warmed from the pull requests merged into it: their teardowns may run.
    if (
      job.kind === 'build' &&
      (status === 'succeeded' || status === 'failed') &&
      environment !== undefined &&
      environment.branch !== null
    ) {
      await lockRepository(tx, environment.repository_id);
      await releaseMergeHolds(tx, environment.repository_id, environment.branch);
    }
    await dropClaim(tx, job);
    return true;
  });
}

function statusAfter(job: ClaimedJob, outcome: JobOutcome): EnvironmentStatus | undefined {
  if (outcome.status === 'failed') return 'failed';
  if (outcome.status !== 'succeeded') return undefined;
  return job.kind === 'down' ? 'deleted' : 'built';
}
