import type { BuildUuid } from '@deployer/contracts';
import type { State } from '../database/open-state.js';
import type { RebuildResult } from '../types.js';
import { enqueueBuild } from './enqueue-build.js';
import { findEnvironments } from './find-environment.js';

/**
 * Queues a forced build (images rebuilt even when they exist) of an environment at its desired SHA (`POST /api/environments/:buildUuid/rebuild`).
 * `repository` picks among environments of several repositories with one build uuid (a fallback `main`).
 */
export async function requestRebuild(
  state: State,
  buildUuid: BuildUuid,
  repository?: string,
): Promise<RebuildResult> {
  return state.db.transaction().execute(async (tx) => {
    const matches = await findEnvironments(tx, buildUuid, repository);
    const [environment] = matches;
    if (environment === undefined) return { error: 'not-found' as const };
    if (matches.length > 1) return { error: 'ambiguous' as const };
    if (environment.status === 'deleted' || environment.status === 'deleting')
      return { error: 'deleted' as const };
    const buildId = await enqueueBuild(tx, {
      repositoryId: environment.repository_id,
      buildUuid,
      environmentKind: environment.kind,
      pullRequestNumber: environment.pull_request_number,
      buildKind: 'build',
      sha: environment.desired_sha,
      force: true,
    });
    return { buildId };
  });
}
