import type { State } from '../database/open-state.js';
import type { BuildKind, BuildStatus } from '../types.js';

/** What an outgoing hook says about a build, as the state recorded it. */
export interface HookBuildFacts {
  buildId: number;
  kind: BuildKind;
  /** As recorded: a build that ended after a newer push is `superseded` here whatever its replica saw. */
  status: BuildStatus;
  sha: string;
  buildUuid: string;
  repository: string;
  pullRequestNumber: number | null;
  /**
   * The branch: a branch environment's (and the fallback's default branch), or a pull request's head
   * branch when that is a branch of this repository; null otherwise (a fork's pull request).
   */
  branch: string | null;
}

/** The recorded facts of one build (or teardown) by its id; undefined when there is no such build. */
export async function hookBuildFacts(state: State, buildId: number): Promise<HookBuildFacts | undefined> {
  const row = await state.db
    .selectFrom('builds')
    .innerJoin('environments', 'environments.id', 'builds.environment_id')
    .innerJoin('repositories', 'repositories.id', 'environments.repository_id')
    .leftJoin('pull_requests', (join) =>
      join
        .onRef('pull_requests.repository_id', '=', 'environments.repository_id')
        .onRef('pull_requests.number', '=', 'environments.pull_request_number'),
    )
    .select([
      'builds.id as buildId',
      'builds.kind as kind',
      'builds.status as status',
      'builds.sha as sha',
      'environments.build_uuid as buildUuid',
      'repositories.full_name as repository',
      'environments.pull_request_number as pullRequestNumber',
      'environments.branch as environmentBranch',
      'pull_requests.head_ref as headRef',
    ])
    .where('builds.id', '=', buildId)
    .executeTakeFirst();
  if (row === undefined) return undefined;
  const { environmentBranch, headRef, ...facts } = row;
  return { ...facts, branch: environmentBranch ?? headRef ?? null };
}
