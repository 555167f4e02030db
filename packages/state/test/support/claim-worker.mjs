// One replica in the concurrency test, a real process: claims and finishes jobs in a loop from the built
// package, recording each run's start and end by the database's clock, until it has found no job for a while
// after its first (it says `ready` once connected, so the test queues work when every replica is up).
// Usage: node claim-worker.mjs <databaseUrl> <replica> <idleMs>
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { claimJob, finishJob, markBuildRunning, openState, renewClaim } from '../../dist/index.js';

const [databaseUrl, replica, idleMs = '1500'] = process.argv.slice(2);
const state = await openState({ databaseUrl });
process.stdout.write('ready\n');
const started = Date.now();
let lastWork = Date.now();
let ran = 0;
let lost = 0;
while (ran === 0 ? Date.now() - started < 30_000 : Date.now() - lastWork < Number(idleMs)) {
  const job = await claimJob(state, { replica, claimSeconds: 30 });
  if (job === undefined) {
    await sleep(5);
    continue;
  }
  await sql`INSERT INTO test_runs (job_id, environment_id, replica, started_at)
            VALUES (${job.jobId}, ${job.environment.id}, ${replica}, clock_timestamp())`.execute(state.db);
  await markBuildRunning(state, job, 'test');
  await sleep(3 + Math.random() * 10);
  const claim = await renewClaim(state, job, 30);
  await sql`UPDATE test_runs SET finished_at = clock_timestamp()
            WHERE job_id = ${job.jobId} AND replica = ${replica} AND finished_at IS NULL`.execute(state.db);
  const finished = await finishJob(state, job, { status: claim.superseded ? 'superseded' : 'succeeded' });
  if (!finished) lost++;
  ran++;
  lastWork = Date.now();
}
await state.close();
process.stdout.write(`${JSON.stringify({ replica, ran, lost })}\n`);
