import type { BuildUuid } from '@deployer/contracts';
import type { State } from '../database/open-state.js';
import type { EnvironmentDetail } from '../types.js';
import { toBuildRecord } from './build-record.js';
import { environmentSummaries } from './environment-summaries.js';

/** Builds shown per environment, newest first. */
export const BUILDS_SHOWN = 20;

/**
 * The environments with this build uuid (one per repository that has it; `repository` picks one), each with
 * its newest builds; [] when unknown.
 */
export async function getEnvironment(
  state: State,
  buildUuid: BuildUuid,
  repository?: string,
): Promise<EnvironmentDetail[]> {
  const entries = await environmentSummaries(state, {
    buildUuid,
    ...(repository === undefined ? {} : { repository }),
  });
  return Promise.all(
    entries.map(async ({ id, summary }) => {
      const builds = await state.db
        .selectFrom('builds')
        .selectAll()
        .where('environment_id', '=', id)
        .orderBy('id', 'desc')
        .limit(BUILDS_SHOWN)
        .execute();
      return { ...summary, builds: builds.map(toBuildRecord) };
    }),
  );
}
