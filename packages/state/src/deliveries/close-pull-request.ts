import type { BuildUuid } from '@deployer/contracts';
import { clockNow } from '../database/sql-values.js';
import type { StateTransaction } from '../database/transaction.js';
import { enqueueBuild } from '../environments/enqueue-build.js';
import { lockRepository, releaseMergeHolds } from '../merges/merge-holds.js';
import type { Intent } from '../types.js';

type CloseIntent = Omit<Extract<Intent, { type: 'close-pull-request' }>, 'type'>;

/**
 * A closed pull request: marked closed (when, and its merge commit when merged), and its environment
 * (unless never built, already deleted or being deleted) gets a `down` build at the last head SHA and goes
 * to `deleting`. A merged one with `holdSeconds` has its `down` held until its base branch's build has
 * warmed from it (released here at once when that build already finished: the push came first), or until
 * the hold ends.
 */
export async function closePullRequest(
  tx: StateTransaction,
  repoId: number,
  close: CloseIntent,
  deliveryId?: string,
): Promise<{ result: string; buildUuid?: BuildUuid; buildId?: number }> {
  const { number } = close;
  const mergedSha = close.merged === true ? (close.mergeCommitSha ?? null) : null;
  const hold = mergedSha !== null && close.baseRef !== undefined && (close.holdSeconds ?? 0) > 0;
  // Before anything else, as a finishing branch build does: see lockRepository.
  if (hold) await lockRepository(tx, repoId);
  const pullRequest = await tx
    .updateTable('pull_requests')
    .set((eb) => ({
      state: 'closed',
      // A repeated close keeps the first time: the merge was recorded then. Taken after the repository's
      // lock, so a branch build claimed later (claimed_at ≥ closed_at) saw this merge (merge-holds.ts).
      closed_at: eb.fn.coalesce('closed_at', clockNow),
      ...(mergedSha !== null && { merged_sha: mergedSha }),
      ...(close.baseRef !== undefined && { base_ref: close.baseRef }),
      ...(close.headRef !== undefined && { head_ref: close.headRef }),
    }))
    .where('repository_id', '=', repoId)
    .where('number', '=', number)
    .returning(['build_uuid', 'head_sha'])
    .executeTakeFirst();
  if (pullRequest === undefined) return { result: `ignored: pull request #${number} was never built` };
  const environment = await tx
    .selectFrom('environments')
    .select(['status'])
    .where('repository_id', '=', repoId)
    .where('build_uuid', '=', pullRequest.build_uuid)
    .executeTakeFirst();
  // Deleted, or a down already queued or running: a repeated close (a new delivery id) queues nothing more.
  if (environment === undefined || environment.status === 'deleted' || environment.status === 'deleting') {
    return {
      result: `ignored: environment ${pullRequest.build_uuid} already ${environment?.status ?? 'deleted'}`,
      buildUuid: pullRequest.build_uuid,
    };
  }
  const buildId = await enqueueBuild(tx, {
    repositoryId: repoId,
    buildUuid: pullRequest.build_uuid,
    environmentKind: 'pull_request',
    pullRequestNumber: number,
    buildKind: 'down',
    sha: pullRequest.head_sha,
    ...(deliveryId !== undefined && { deliveryId }),
    ...(hold && { holdSeconds: close.holdSeconds }),
  });
  if (hold && close.baseRef !== undefined) {
    const released = await releaseMergeHolds(tx, repoId, close.baseRef);
    if (!released.includes(buildId)) {
      return {
        result: `down ${buildId} queued, held until ${close.baseRef}'s build has used it`,
        buildUuid: pullRequest.build_uuid,
        buildId,
      };
    }
  }
  return { result: `down ${buildId} queued`, buildUuid: pullRequest.build_uuid, buildId };
}
