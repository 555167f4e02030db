import { sql } from 'kysely';
import { secondsFromNow } from '../database/sql-values.js';
import type { StateTransaction } from '../database/transaction.js';
import type { ClaimedJob } from '../types.js';

/**
 * Takes the environment's lease for a new claim, in SQL: made when there is none, taken over when it
 * expired (database time), refused (false) while another holds it. A lease row another transaction has
 * locked (a claim, a finish) is skipped rather than waited for, so claims never wait in a cycle; a claim
 * racing to make the same new row waits for the other's commit and then sees it held: at most one running
 * job per environment.
 */
export async function takeLease(
  tx: StateTransaction,
  input: { environmentId: number; holder: string; token: string; leaseSeconds: number },
): Promise<boolean> {
  const existing = await tx
    .selectFrom('leases')
    .select('environment_id')
    .where('environment_id', '=', input.environmentId)
    .executeTakeFirst();
  if (existing !== undefined) {
    const locked = await tx
      .selectFrom('leases')
      .select('environment_id')
      .where('environment_id', '=', input.environmentId)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (locked === undefined) return false;
  }
  const taken = await tx
    .insertInto('leases')
    .values({
      environment_id: input.environmentId,
      holder: input.holder,
      token: input.token,
      expires_at: secondsFromNow(input.leaseSeconds),
    })
    .onConflict((conflict) =>
      conflict
        .column('environment_id')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          token: eb.ref('excluded.token'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where('leases.expires_at', '<=', sql<Date>`now()`),
    )
    .returning('token')
    .executeTakeFirst();
  return taken?.token === input.token;
}

/**
 * Whether the job's claim still holds its environment's lease, the row locked until the transaction ends so
 * no takeover slips in between this check and the caller's writes.
 */
export async function holdsLease(tx: StateTransaction, job: ClaimedJob): Promise<boolean> {
  const lease = await tx
    .selectFrom('leases')
    .select('token')
    .where('environment_id', '=', job.environment.id)
    .where('token', '=', job.leaseToken)
    .forUpdate()
    .executeTakeFirst();
  return lease !== undefined;
}

/** Gives the environment's lease up (the job finished or went back to the queue). */
export async function dropLease(tx: StateTransaction, job: ClaimedJob): Promise<void> {
  await tx
    .deleteFrom('leases')
    .where('environment_id', '=', job.environment.id)
    .where('token', '=', job.leaseToken)
    .execute();
}
