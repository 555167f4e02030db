import type { BuildUuid } from '@deployer/contracts';
import type { State } from '../database/open-state.js';
import { enqueueBuild } from './enqueue-build.js';
import { findEnvironments } from './find-environment.js';

/**
 * Queues the teardown (`down`) of an environment that is neither deleted nor being deleted, exactly as a
 * closed pull request does; the TTL sweep's way to remove an idle environment.
 */
export async function requestTeardown(
  state: State,
  buildUuid: BuildUuid,
  repository: string,
): Promise<{ buildId: number } | { error: 'not-found' | 'deleted' }> {
  return state.db.transaction().execute(async (tx) => {
    const [environment] = await findEnvironments(tx, buildUuid, repository);
    if (environment === undefined) return { error: 'not-found' as const };
    if (environment.status === 'deleted' || environment.status === 'deleting')
      return { error: 'deleted' as const };
    const buildId = await enqueueBuild(tx, {
      repositoryId: environment.repository_id,
      buildUuid,
      environmentKind: environment.kind,
      pullRequestNumber: environment.pull_request_number,
      buildKind: 'down',
      sha: environment.desired_sha,
    });
    return { buildId };
  });
}
