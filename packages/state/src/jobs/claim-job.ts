import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { takeClaim } from '../claims/hold-claim.js';
import type { State } from '../database/open-state.js';
import { clockNow } from '../database/sql-values.js';
import type { StateTransaction } from '../database/transaction.js';
import { shareRepositoryForClaim } from '../merges/merge-holds.js';
import type { ClaimedJob, ClaimOptions } from '../types.js';

/** Candidates looked at per claim: the ones other replicas hold are skipped, not waited for. */
const CANDIDATES = 16;

/**
 * Claims the oldest job that may run: queued (and not a held merged teardown), or running under a claim
 * that expired (a takeover), of an environment whose claim nobody holds. The jobs are locked with `FOR UPDATE SKIP LOCKED` (replicas never
 * wait for each other's candidates) and the environment's claim is taken in the same transaction, in SQL
 * (takeClaim), so two replicas never run jobs of one environment at once.
 */
export async function claimJob(state: State, options: ClaimOptions): Promise<ClaimedJob | undefined> {
  return state.db.transaction().execute(async (tx) => {
    const candidates = await tx
      .selectFrom('jobs')
      .select(['jobs.id', 'jobs.environment_id', 'jobs.state'])
      .where('jobs.state', '<>', 'done')
      // A merged pull request's held teardown waits for its base branch's build, or for the hold to end.
      .where((eb) =>
        eb.or([eb('jobs.held_until', 'is', null), eb('jobs.held_until', '<=', sql<Date>`now()`)]),
      )
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('claims')
              .select('claims.environment_id')
              .whereRef('claims.environment_id', '=', 'jobs.environment_id')
              .where('claims.expires_at', '>', sql<Date>`now()`),
          ),
        ),
      )
      .orderBy('jobs.id')
      .limit(CANDIDATES)
      .forUpdate()
      .skipLocked()
      .execute();
    const refused = new Set<number>();
    for (const candidate of candidates) {
      if (refused.has(candidate.environment_id)) continue;
      if (!(await shareRepositoryForClaim(tx, candidate.environment_id))) {
        refused.add(candidate.environment_id);
        continue;
      }
      const token = randomUUID();
      const taken = await takeClaim(tx, {
        environmentId: candidate.environment_id,
        holder: options.replica,
        token,
        claimSeconds: options.claimSeconds,
      });
      if (taken) return startJob(tx, candidate.id, candidate.state === 'running', token, options.replica);
      refused.add(candidate.environment_id);
    }
    return undefined;
  });
}

async function startJob(
  tx: StateTransaction,
  jobId: number,
  takeover: boolean,
  claimToken: string,
  replica: string,
): Promise<ClaimedJob> {
  const job = await tx
    .updateTable('jobs')
    .set((eb) => ({
      state: 'running',
      claimed_by: replica,
      // After the repository's lock (shareRepositoryForClaim): ordered against merges, see merge-holds.ts.
      claimed_at: clockNow,
      attempts: eb('attempts', '+', 1),
    }))
    .where('id', '=', jobId)
    .returning(['build_id'])
    .executeTakeFirstOrThrow();
  await tx.updateTable('builds').set({ replica }).where('id', '=', job.build_id).execute();
  const row = await tx
    .selectFrom('builds')
    .innerJoin('environments', 'environments.id', 'builds.environment_id')
    .innerJoin('repositories', 'repositories.id', 'environments.repository_id')
    .select([
      'builds.id as buildId',
      'builds.kind',
      'builds.sha',
      'builds.generation',
      'builds.queued_at',
      'builds.delivery_id',
      'builds.force',
      'environments.id as environmentId',
      'environments.build_uuid',
      'environments.kind as environmentKind',
      'environments.pull_request_number',
      'environments.branch',
      'repositories.full_name',
    ])
    .where('builds.id', '=', job.build_id)
    .executeTakeFirstOrThrow();
  return {
    jobId,
    buildId: row.buildId,
    kind: row.kind,
    sha: row.sha,
    generation: row.generation,
    queuedAt: row.queued_at,
    deliveryId: row.delivery_id,
    force: row.force,
    environment: {
      id: row.environmentId,
      buildUuid: row.build_uuid,
      repository: row.full_name,
      kind: row.environmentKind,
      pullRequestNumber: row.pull_request_number,
      branch: row.branch,
    },
    claimToken,
    takeover,
  };
}
