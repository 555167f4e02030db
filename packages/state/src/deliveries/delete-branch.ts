import type { BuildUuid } from '@deployer/contracts';
import type { StateTransaction } from '../database/transaction.js';
import { enqueueBuild } from '../environments/enqueue-build.js';
import { lockRepository, releaseAllMergeHolds } from '../merges/merge-holds.js';

/**
 * A deleted branch: its environment (unless never built, deleted or being deleted) gets a `down` at its
 * last SHA, as a closed pull request's does; the pull requests merged into it are no longer held, since no
 * build of the branch will warm from them.
 */
export async function deleteBranch(
  tx: StateTransaction,
  repoId: number,
  branch: string,
  buildUuid: BuildUuid,
  deliveryId: string,
): Promise<{ result: string; buildUuid?: BuildUuid; buildId?: number }> {
  await lockRepository(tx, repoId);
  await releaseAllMergeHolds(tx, repoId, branch);
  const environment = await tx
    .selectFrom('environments')
    .select(['status', 'desired_sha'])
    .where('repository_id', '=', repoId)
    .where('build_uuid', '=', buildUuid)
    .forUpdate()
    .executeTakeFirst();
  if (environment === undefined || environment.status === 'deleted' || environment.status === 'deleting') {
    return {
      result: `ignored: environment ${buildUuid} of ${branch} already ${environment?.status ?? 'deleted'}`,
      buildUuid,
    };
  }
  const buildId = await enqueueBuild(tx, {
    repositoryId: repoId,
    buildUuid,
    environmentKind: 'fallback',
    pullRequestNumber: null,
    buildKind: 'down',
    sha: environment.desired_sha,
    branch,
    deliveryId,
  });
  return { result: `down ${buildId} queued`, buildUuid, buildId };
}
