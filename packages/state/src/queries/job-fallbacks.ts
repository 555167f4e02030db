import type { BuildUuid } from '@deployer/contracts';
import { sql } from 'kysely';
import type { State } from '../database/open-state.js';
import type { ClaimedJob, JobFallback } from '../types.js';

/** Merged pull requests a branch's build imports at most: the newest merges matter most. */
const MERGED_IMPORTED = 8;

type Db = State['db'];

/**
 * What a job's build imports after its own cache, in order, each with why (deploy's FallbackChoice),
 * read from the state when the job runs, so the order deliveries arrived in does not matter:
 * - a pull request: the environment of the open pull request whose head branch is its base (stacked),
 *   then its base branch's environment when that is not the default branch's, then the default branch's
 *   (`fallback`, the server config's);
 * - a branch environment: the pull requests merged into its branch whose teardown is still held (newest
 *   merge first), then, for a branch other than the default, the default branch's.
 * Only environments with a successful build are named (the default branch's always is, as before), and
 * never the job's own.
 */
export async function jobFallbacks(
  state: State,
  job: ClaimedJob,
  options: { fallback: BuildUuid },
): Promise<JobFallback[]> {
  const { environment } = job;
  const repoId = await repositoryIdOf(state.db, environment.id);
  const choices: JobFallback[] = [];
  if (environment.kind === 'pull_request' && environment.pullRequestNumber !== null) {
    choices.push(
      ...(await pullRequestSources(state.db, repoId, environment.pullRequestNumber, options.fallback)),
    );
  } else if (environment.branch !== null) {
    choices.push(...(await mergedIntoBranch(state.db, repoId, environment.branch)));
  }
  if (environment.buildUuid !== options.fallback) {
    choices.push({
      buildUuid: options.fallback,
      why: `default branch ${(await branchOf(state.db, repoId, options.fallback)) ?? options.fallback}`,
      relation: 'default-branch',
    });
  }
  const seen = new Set<string>([environment.buildUuid]);
  return choices.filter((choice) => !seen.has(choice.buildUuid) && seen.add(choice.buildUuid));
}

async function repositoryIdOf(db: Db, environmentId: number): Promise<number> {
  const row = await db
    .selectFrom('environments')
    .select('repository_id')
    .where('id', '=', environmentId)
    .executeTakeFirstOrThrow();
  return row.repository_id;
}

/** The branch recorded on an environment (the default branch's name, on the fallback's). */
async function branchOf(db: Db, repoId: number, buildUuid: BuildUuid): Promise<string | undefined> {
  const row = await db
    .selectFrom('environments')
    .select('branch')
    .where('repository_id', '=', repoId)
    .where('build_uuid', '=', buildUuid)
    .executeTakeFirst();
  return row?.branch ?? undefined;
}

const hasSucceededBuild = sql<boolean>`EXISTS (
  SELECT 1 FROM builds WHERE builds.environment_id = environments.id
    AND builds.kind = 'build' AND builds.status = 'succeeded')`;

/** A repository's pull requests with their environments: each row's number and build uuid. */
function pullRequestEnvironments(db: Db, repoId: number) {
  return db
    .selectFrom('pull_requests')
    .innerJoin('environments', (join) =>
      join
        .onRef('environments.repository_id', '=', 'pull_requests.repository_id')
        .onRef('environments.build_uuid', '=', 'pull_requests.build_uuid'),
    )
    .select(['pull_requests.number', 'environments.build_uuid'])
    .where('pull_requests.repository_id', '=', repoId);
}

async function pullRequestSources(
  db: Db,
  repoId: number,
  number: number,
  fallback: BuildUuid,
): Promise<JobFallback[]> {
  const own = await db
    .selectFrom('pull_requests')
    .select('base_ref')
    .where('repository_id', '=', repoId)
    .where('number', '=', number)
    .executeTakeFirst();
  const baseRef = own?.base_ref ?? null;
  if (baseRef === null) return [];
  const choices: JobFallback[] = [];
  const parent = await pullRequestEnvironments(db, repoId)
    .where('pull_requests.state', '=', 'open')
    .where('pull_requests.head_ref', '=', baseRef)
    .where('pull_requests.number', '<>', number)
    .where('environments.status', 'not in', ['deleted', 'deleting'])
    .where(hasSucceededBuild)
    .orderBy('pull_requests.number', 'desc')
    .executeTakeFirst();
  if (parent !== undefined) {
    choices.push({
      buildUuid: parent.build_uuid,
      why: `stacked on pull request #${parent.number} (${baseRef})`,
      relation: 'stacked-pull-request',
    });
  }
  const base = await db
    .selectFrom('environments')
    .select('build_uuid')
    .where('repository_id', '=', repoId)
    .where('kind', '=', 'fallback')
    .where('branch', '=', baseRef)
    .where('build_uuid', '<>', fallback)
    .where('status', 'not in', ['deleted', 'deleting'])
    .where(hasSucceededBuild)
    .executeTakeFirst();
  if (base !== undefined) {
    choices.push({ buildUuid: base.build_uuid, why: `base branch ${baseRef}`, relation: 'base-branch' });
  }
  return choices;
}

async function mergedIntoBranch(db: Db, repoId: number, branch: string): Promise<JobFallback[]> {
  const rows = await pullRequestEnvironments(db, repoId)
    .where('pull_requests.base_ref', '=', branch)
    .where('pull_requests.merged_sha', 'is not', null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom('jobs')
          .select('jobs.id')
          .whereRef('jobs.environment_id', '=', 'environments.id')
          .where('jobs.state', '=', 'queued')
          .where('jobs.held_until', '>', sql<Date>`now()`),
      ),
    )
    .orderBy('pull_requests.closed_at', 'desc')
    .orderBy('pull_requests.number', 'desc')
    .limit(MERGED_IMPORTED)
    .execute();
  return rows.map((row) => ({
    buildUuid: row.build_uuid,
    why: `merged pull request #${row.number}`,
    relation: 'merged-pull-request' as const,
  }));
}
