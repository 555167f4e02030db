import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { claimJob, finishJob, type Intent, openState, type State } from '../src/index.js';
import { usePostgres } from './support/backends.js';
import { uuid } from './support/build-uuids.js';
import { deliver, openPullRequest } from './support/deliveries.js';

// A merge's `closed` and the base branch's `push` accepted by two replicas in every order while three
// replicas (real processes on one Postgres) run the jobs: the merged pull request's teardown always waits
// for main's build (the hold is far longer than the test), and never forever.
const worker = fileURLToPath(new URL('./support/merge-worker.mjs', import.meta.url));
const repo = 'acme/shop';
const mergeSha = 'merge-sha';
const orders = ['close-first', 'push-first', 'together', 'close-first', 'push-first', 'together'] as const;

interface Run {
  build_uuid: string;
  kind: string;
  fallbacks: string;
  started_at: Date;
  finished_at: Date | null;
}

const close: Intent = {
  type: 'close-pull-request',
  number: 1,
  merged: true,
  mergeCommitSha: mergeSha,
  baseRef: 'main',
  headRef: 'feature',
  holdSeconds: 1800,
};
const push: Intent = { type: 'build-fallback', fallback: uuid('main'), sha: mergeSha, branch: 'main' };

describe('a merge accepted and run by several replicas', () => {
  const postgres = usePostgres();

  for (const [round, order] of orders.entries()) {
    it(`tears the merged pull request down only after main's build, once (${order}, round ${round + 1})`, async () => {
      const url = await postgres.freshDatabaseUrl();
      const [one, two] = [await openState({ databaseUrl: url }), await openState({ databaseUrl: url })];
      try {
        await sql`CREATE TABLE test_runs (job_id int, build_uuid text, kind text, replica text, fallbacks text,
                  started_at timestamptz, finished_at timestamptz)`.execute(one.db);
        const opened = await deliver(
          one,
          repo,
          openPullRequest(1, 'head', undefined, { baseRef: 'main', headRef: 'feature' }),
        );
        const build = await claimJob(one, { replica: 'setup', claimSeconds: 30 });
        if (build === undefined) throw new Error('no build');
        await finishJob(one, build, { status: 'succeeded' });

        const replicas = ['a', 'b', 'c'].map((name) =>
          execa(process.execPath, [worker, url, `replica-${name}`, '3000'], { timeout: 90_000 }),
        );
        await Promise.all(replicas.map((replica) => readyLine(replica.stdout)));
        await accept(order, one, two);
        await Promise.all(replicas);

        const runs = (await sql<Run>`SELECT * FROM test_runs ORDER BY started_at`.execute(one.db)).rows;
        const downs = runs.filter((run) => run.kind === 'down');
        const mains = runs.filter((run) => run.build_uuid === 'main');
        expect(downs).toHaveLength(1);
        expect(mains).toHaveLength(1);
        const [down, main] = [downs[0] as Run, mains[0] as Run];
        expect(down.build_uuid).toBe(opened.buildUuid);
        // Released by main's build having finished, never by the (30 minute) hold running out.
        expect(down.started_at.getTime()).toBeGreaterThanOrEqual(main.finished_at?.getTime() ?? Number.NaN);
        const environments = await one.db
          .selectFrom('environments')
          .select(['build_uuid', 'status'])
          .execute();
        expect(Object.fromEntries(environments.map((row) => [row.build_uuid, row.status]))).toEqual({
          main: 'built',
          [opened.buildUuid!]: 'deleted',
        });
        // Main's build claimed after the merge was recorded warmed from the merged pull request; one
        // claimed before released it by its commit (the merge's) alone.
        const { closed_at: closedAt } = await one.db
          .selectFrom('pull_requests')
          .select('closed_at')
          .executeTakeFirstOrThrow();
        const { claimed_at: claimedAt } = await one.db
          .selectFrom('jobs')
          .innerJoin('environments', 'environments.id', 'jobs.environment_id')
          .select('jobs.claimed_at')
          .where('environments.build_uuid', '=', uuid('main'))
          .executeTakeFirstOrThrow();
        if (closedAt === null || claimedAt === null) throw new Error('no close or claim time');
        if (claimedAt >= closedAt) {
          expect(JSON.parse(main.fallbacks)).toEqual([
            { buildUuid: opened.buildUuid, why: 'merged pull request #1', relation: 'merged-pull-request' },
          ]);
        }
      } finally {
        await one.close();
        await two.close();
      }
    });
  }
});

/** The two deliveries, each through its own replica's connection, in the round's order. */
async function accept(order: (typeof orders)[number], one: State, two: State): Promise<void> {
  if (order === 'together') {
    await Promise.all([deliver(one, repo, close), deliver(two, repo, push)]);
  } else if (order === 'close-first') {
    await deliver(one, repo, close);
    await sleep(30);
    await deliver(two, repo, push);
  } else {
    await deliver(two, repo, push);
    // Sometimes main's build has finished before the close arrives, sometimes it is still running.
    await sleep(Math.random() * 80);
    await deliver(one, repo, close);
  }
}

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
