import { type RawBuilder, sql } from 'kysely';
import type { StateTransaction } from '../database/transaction.js';

/**
 * Locks the repository's row for the transaction. Whatever holds or releases a merged pull request's
 * teardown takes it first (a close, a branch's build finishing, a branch deleted), so of two that race the
 * second sees the first committed: a `closed` and the base branch's finished build, in either order and on
 * any replicas, always meet.
 */
export async function lockRepository(tx: StateTransaction, repoId: number): Promise<void> {
  await tx.selectFrom('repositories').select('id').where('id', '=', repoId).forUpdate().execute();
}

/**
 * A claim of a branch environment's job shares the repository's lock (skipping, never waiting, while a
 * close or a finishing branch build holds it: claims never wait in a cycle), so its claim time orders it
 * against each merge: a build claimed after a merge was recorded computes its import order after that
 * merge committed, and imports the merged pull request. True when the claim may go on.
 */
export async function shareRepositoryForClaim(tx: StateTransaction, environmentId: number): Promise<boolean> {
  const environment = await tx
    .selectFrom('environments')
    .select(['repository_id', 'branch'])
    .where('id', '=', environmentId)
    .executeTakeFirst();
  if (environment === undefined || environment.branch === null) return true;
  const locked = await tx
    .selectFrom('repositories')
    .select('id')
    .where('id', '=', environment.repository_id)
    .forShare()
    .skipLocked()
    .executeTakeFirst();
  return locked !== undefined;
}

/**
 * Releases the held `down` jobs of pull requests merged into `branch` that a build of that branch's
 * environment has used: a finished build (succeeded or failed) at the merge commit, or one claimed after
 * the merge was recorded (it ran after the merge, so its import order held the merged pull request's
 * environment). Returns the released builds. Call with the repository locked (lockRepository).
 */
export async function releaseMergeHolds(
  tx: StateTransaction,
  repoId: number,
  branch: string,
): Promise<number[]> {
  const usedByBranchBuild = sql`
    AND pr.merged_sha IS NOT NULL
    AND EXISTS (
      SELECT 1
      FROM builds used
      JOIN environments target ON target.id = used.environment_id
      JOIN jobs claim ON claim.build_id = used.id
      WHERE target.repository_id = ${repoId} AND target.kind = 'fallback' AND target.branch = ${branch}
        AND used.kind = 'build' AND used.status IN ('succeeded', 'failed')
        AND (used.sha = pr.merged_sha OR claim.claimed_at >= pr.closed_at)
    )`;
  return releaseHeldDowns(tx, repoId, branch, usedByBranchBuild);
}

/**
 * Releases every held `down` of pull requests merged into `branch`, used or not: the branch is gone, so
 * no build of it will ever warm from them. Call with the repository locked.
 */
export async function releaseAllMergeHolds(
  tx: StateTransaction,
  repoId: number,
  branch: string,
): Promise<void> {
  await releaseHeldDowns(tx, repoId, branch, sql``);
}

/** Releases the held `down` jobs of pull requests merged into `branch` that also meet `condition`. */
async function releaseHeldDowns(
  tx: StateTransaction,
  repoId: number,
  branch: string,
  condition: RawBuilder<unknown>,
): Promise<number[]> {
  const released = await sql<{ build_id: number }>`
    UPDATE jobs SET held_until = NULL
    WHERE jobs.state = 'queued' AND jobs.held_until IS NOT NULL
      AND jobs.build_id IN (
        SELECT down.id
        FROM builds down
        JOIN environments merged ON merged.id = down.environment_id
        JOIN pull_requests pr
          ON pr.repository_id = merged.repository_id AND pr.build_uuid = merged.build_uuid
        WHERE merged.repository_id = ${repoId} AND down.kind = 'down' AND pr.base_ref = ${branch}
          ${condition}
      )
    RETURNING jobs.build_id`.execute(tx);
  return released.rows.map((row) => row.build_id);
}
