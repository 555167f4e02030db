// One replica in the merge-hold test, a real process: claims and finishes jobs from the built package,
// recording each run (its import order for builds) by the database's clock, until it has found no job for
// `idleMs` (since it started, or since its last job). Usage: node merge-worker.mjs <databaseUrl> <replica> <idleMs>
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { claimJob, finishJob, jobFallbacks, markBuildRunning, openState } from '../../dist/index.js';

const [databaseUrl, replica, idleMs = '2000'] = process.argv.slice(2);
const state = await openState({ databaseUrl });
process.stdout.write('ready\n');
let lastWork = Date.now();
let ran = 0;
while (Date.now() - lastWork < Number(idleMs)) {
  const job = await claimJob(state, { replica, claimSeconds: 30 });
  if (job === undefined) {
    await sleep(5);
    continue;
  }
  const fallbacks = job.kind === 'build' ? await jobFallbacks(state, job, { fallback: 'main' }) : [];
  await sql`INSERT INTO test_runs (job_id, build_uuid, kind, replica, fallbacks, started_at)
            VALUES (${job.jobId}, ${job.environment.buildUuid}, ${job.kind}, ${replica},
                    ${JSON.stringify(fallbacks)}, clock_timestamp())`.execute(state.db);
  await markBuildRunning(state, job, 'test');
  await sleep(5 + Math.random() * 40);
  await sql`UPDATE test_runs SET finished_at = clock_timestamp() WHERE job_id = ${job.jobId}`.execute(
    state.db,
  );
  await finishJob(state, job, { status: 'succeeded' });
  ran++;
  lastWork = Date.now();
}
await state.close();
process.stdout.write(`${JSON.stringify({ replica, ran })}\n`);
