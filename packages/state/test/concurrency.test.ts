import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { openState, type State } from '../src/index.js';
import { usePostgres } from './support/backends.js';
import { uuid } from './support/build-uuids.js';
import { deliver, openPullRequest } from './support/deliveries.js';

// Real replicas: separate node processes on the built package, claiming from one real Postgres.
const worker = fileURLToPath(new URL('./support/claim-worker.mjs', import.meta.url));
const REPLICAS = 6;
const ROUNDS = 5;

interface Run {
  job_id: number;
  environment_id: number;
  replica: string;
  started_at: Date;
  finished_at: Date | null;
}

/**
 * Jobs waiting side by side for each environment, as deliveries never leave them (a new one supersedes the
 * queued ones): only the environment's claim keeps them from running at once.
 */
async function queueBacklog(state: State, perEnvironment: number): Promise<void> {
  for (let pr = 1; pr <= 4; pr++) await deliver(state, 'acme/shop', openPullRequest(pr, `sha-${pr}-first`));
  await deliver(state, 'acme/shop', { type: 'build-fallback', fallback: uuid('main'), sha: 'main-first' });
  const environments = await state.db.selectFrom('environments').selectAll().execute();
  for (const environment of environments) {
    for (let extra = 0; extra < perEnvironment; extra++) {
      const build = await state.db
        .insertInto('builds')
        .values({
          environment_id: environment.id,
          kind: 'build',
          sha: environment.desired_sha,
          generation: environment.generation,
          status: 'queued',
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await state.db
        .insertInto('jobs')
        .values({ build_id: build.id, environment_id: environment.id, state: 'queued' })
        .execute();
    }
  }
}

/** Pushes to several pull requests and the fallback while the replicas run: some queued builds get superseded. */
async function feed(state: State): Promise<void> {
  for (let push = 0; push < 8; push++) {
    for (let pr = 1; pr <= 4; pr++)
      await deliver(state, 'acme/shop', openPullRequest(pr, `sha-${pr}-${push}`));
    await deliver(state, 'acme/shop', {
      type: 'build-fallback',
      fallback: uuid('main'),
      sha: `main-${push}`,
    });
    await sleep(15);
  }
}

describe('replicas as real processes on one Postgres', () => {
  const postgres = usePostgres();

  for (let round = 1; round <= ROUNDS; round++) {
    it(`runs every job once and never two of one environment at once (round ${round})`, async () => {
      const state = await openState({ databaseUrl: await postgres.freshDatabaseUrl() });
      try {
        await sql`CREATE TABLE test_runs (job_id int, environment_id int, replica text,
                  started_at timestamptz, finished_at timestamptz)`.execute(state.db);
        const url = await databaseUrlOf(state);
        const replicas = Array.from({ length: REPLICAS }, (_, index) =>
          execa(process.execPath, [worker, url, `replica-${index}`, '1500'], { timeout: 90_000 }),
        );
        await Promise.all(replicas.map((replica) => readyLine(replica.stdout)));
        await queueBacklog(state, 8);
        await feed(state);
        const results = (await Promise.all(replicas)).map((result) =>
          JSON.parse(result.stdout.split('\n').at(-1) ?? ''),
        );

        const runs = (await sql<Run>`SELECT * FROM test_runs ORDER BY started_at`.execute(state.db)).rows;
        const jobs = await state.db.selectFrom('jobs').selectAll().execute();
        const builds = await state.db.selectFrom('builds').select(['id', 'status']).execute();
        // Every job is done; each that ran, ran exactly once, by one replica, and finished it.
        expect(jobs.every((job) => job.state === 'done')).toBe(true);
        const runsPerJob = new Map<number, number>();
        for (const run of runs) runsPerJob.set(run.job_id, (runsPerJob.get(run.job_id) ?? 0) + 1);
        expect([...runsPerJob.values()].every((count) => count === 1)).toBe(true);
        expect(results.reduce((sum, result) => sum + result.lost, 0)).toBe(0);
        expect(runs.every((run) => run.finished_at !== null)).toBe(true);
        // A build either ran (succeeded, or superseded while running) or was superseded in the queue.
        const ranBuilds = new Set(jobs.filter((job) => runsPerJob.has(job.id)).map((job) => job.build_id));
        for (const build of builds) {
          expect(ranBuilds.has(build.id) ? ['succeeded', 'superseded'] : ['superseded']).toContain(
            build.status,
          );
        }
        // The backlog is never superseded by deliveries once claimed: many jobs ran for each environment.
        const runCounts = new Map<number, number>();
        for (const run of runs)
          runCounts.set(run.environment_id, (runCounts.get(run.environment_id) ?? 0) + 1);
        expect([...runCounts.values()].every((count) => count > 2)).toBe(true);
        // Every environment ends built at its newest SHA.
        const environments = await state.db.selectFrom('environments').selectAll().execute();
        expect(environments).toHaveLength(5);
        expect(environments.every((environment) => environment.status === 'built')).toBe(true);
        // No two runs of one environment overlap (the database's clock, one for all replicas).
        const byEnvironment = new Map<number, Run[]>();
        for (const run of runs)
          byEnvironment.set(run.environment_id, [...(byEnvironment.get(run.environment_id) ?? []), run]);
        for (const environmentRuns of byEnvironment.values()) {
          for (let index = 1; index < environmentRuns.length; index++) {
            const previous = environmentRuns[index - 1] as Run;
            const next = environmentRuns[index] as Run;
            expect(next.started_at.getTime()).toBeGreaterThanOrEqual(
              previous.finished_at?.getTime() ?? Number.NaN,
            );
          }
        }
        // The work really was shared and contended: several replicas ran jobs, of several environments.
        expect(results.filter((result) => result.ran > 0).length).toBeGreaterThan(REPLICAS / 2);
        expect(runs.length).toBeGreaterThan(environments.length);
      } finally {
        await state.close();
      }
    });
  }
});

/** Resolves at the replica's `ready` line: it is connected and claiming. */
function readyLine(stdout: NodeJS.ReadableStream | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (stdout === null) return reject(new Error('no stdout'));
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes('ready\n')) {
        stdout.off('data', onData);
        resolve();
      }
    };
    stdout.on('data', onData);
    stdout.once('end', () => reject(new Error(`replica ended before ready: ${seen}`)));
  });
}

async function databaseUrlOf(state: State): Promise<string> {
  const { rows } = await sql<{ name: string; port: number }>`
    SELECT current_database() AS name, current_setting('port')::int AS port`.execute(state.db);
  const [row] = rows;
  if (row === undefined) throw new Error('no database');
  return `postgres://postgres@127.0.0.1:${row.port}/${row.name}`;
}
