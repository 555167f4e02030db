import type { BuildUuid } from '@deployer/contracts';
import type { State } from '../database/open-state.js';

/** Build uuids of a repository's environments that are not deleted: whose caches someone still owns. */
export async function liveBuildUuids(state: State, repository: string): Promise<BuildUuid[]> {
  const rows = await state.db
    .selectFrom('environments')
    .innerJoin('repositories', 'repositories.id', 'environments.repository_id')
    .select('environments.build_uuid')
    .where('repositories.full_name', '=', repository)
    .where('environments.status', '!=', 'deleted')
    .execute();
  return rows.map((row) => row.build_uuid);
}
