import type { BuildUuid } from '@deployer/contracts';
import type { State } from '../database/open-state.js';
import type { EnvironmentSummary } from '../types.js';
import { toBuildRecord } from './build-record.js';

export interface SummaryFilter {
  buildUuid?: BuildUuid;
  repository?: string;
}

/**
 * Environments with their repository, pull request title and newest build, most recently active first.
 * Returns the environment ids too, for callers that read more per environment.
 */
export async function environmentSummaries(
  state: State,
  filter: SummaryFilter = {},
): Promise<{ id: number; summary: EnvironmentSummary }[]> {
  let query = state.db
    .selectFrom('environments')
    .innerJoin('repositories', 'repositories.id', 'environments.repository_id')
    .leftJoin('pull_requests', (join) =>
      join
        .onRef('pull_requests.repository_id', '=', 'environments.repository_id')
        .onRef('pull_requests.number', '=', 'environments.pull_request_number'),
    )
    .selectAll('environments')
    .select(['repositories.full_name', 'pull_requests.title'])
    .orderBy('environments.last_activity_at', 'desc')
    .orderBy('environments.id', 'desc');
  if (filter.buildUuid !== undefined) query = query.where('environments.build_uuid', '=', filter.buildUuid);
  if (filter.repository !== undefined) query = query.where('repositories.full_name', '=', filter.repository);
  const rows = await query.execute();
  if (rows.length === 0) return [];

  const lastBuilds = await state.db
    .selectFrom('builds')
    .selectAll()
    .distinctOn('environment_id')
    .where(
      'environment_id',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('environment_id')
    .orderBy('id', 'desc')
    .execute();
  const lastBuildOf = new Map(lastBuilds.map((build) => [build.environment_id, toBuildRecord(build)]));

  return rows.map((row) => {
    const lastBuild = lastBuildOf.get(row.id);
    return {
      id: row.id,
      summary: {
        buildUuid: row.build_uuid,
        repository: row.full_name,
        kind: row.kind,
        pullRequestNumber: row.pull_request_number,
        pullRequestTitle: row.title ?? null,
        status: row.status,
        desiredSha: row.desired_sha,
        generation: row.generation,
        createdAt: row.created_at,
        updatedAt: row.updated_at,
        lastActivityAt: row.last_activity_at,
        ...(lastBuild === undefined ? {} : { lastBuild }),
      },
    };
  });
}
