import type { StateTransaction } from '../database/transaction.js';
import { enqueueBuild } from '../environments/enqueue-build.js';

/**
 * A closed pull request: marked closed, and its environment (unless never built, already deleted or being
 * deleted) gets a `down` build at the last head SHA and goes to `deleting`.
 */
export async function closePullRequest(
  tx: StateTransaction,
  repoId: number,
  number: number,
  deliveryId?: string,
): Promise<{ result: string; buildUuid?: string; buildId?: number }> {
  const pullRequest = await tx
    .updateTable('pull_requests')
    .set({ state: 'closed' })
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
  });
  return { result: `down ${buildId} queued`, buildUuid: pullRequest.build_uuid, buildId };
}
