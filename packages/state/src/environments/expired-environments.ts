import type { BuildUuid } from '@deployer/contracts';
import type { State } from '../database/open-state.js';

export interface IdleEnvironment {
  buildUuid: BuildUuid;
  pullRequestNumber: number;
  /** The pull request's labels as last delivered (a keep label spares it). */
  labels: string[];
  lastActivityAt: Date;
}

/**
 * Pull request environments of a repository whose last activity (a delivery, a build's end) is older
 * than `idleBefore` and that are not deleted or being deleted. Fallback environments never expire.
 */
export async function expiredEnvironments(
  state: State,
  options: { repository: string; idleBefore: Date },
): Promise<IdleEnvironment[]> {
  const rows = await state.db
    .selectFrom('environments')
    .innerJoin('repositories', 'repositories.id', 'environments.repository_id')
    .leftJoin('pull_requests', (join) =>
      join
        .onRef('pull_requests.repository_id', '=', 'environments.repository_id')
        .onRef('pull_requests.build_uuid', '=', 'environments.build_uuid'),
    )
    .select([
      'environments.build_uuid',
      'environments.pull_request_number',
      'environments.last_activity_at',
      'pull_requests.labels',
    ])
    .where('repositories.full_name', '=', options.repository)
    .where('environments.kind', '=', 'pull_request')
    .where('environments.status', 'not in', ['deleted', 'deleting'])
    .where('environments.last_activity_at', '<', options.idleBefore)
    .orderBy('environments.last_activity_at')
    .execute();
  return rows.map((row) => ({
    buildUuid: row.build_uuid,
    pullRequestNumber: row.pull_request_number ?? 0,
    labels: Array.isArray(row.labels)
      ? row.labels.filter((label): label is string => typeof label === 'string')
      : [],
    lastActivityAt: row.last_activity_at,
  }));
}
