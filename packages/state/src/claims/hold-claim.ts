import { sql } from 'kysely';
import { secondsFromNow } from '../database/sql-values.js';
import type { StateTransaction } from '../database/transaction.js';
import type { ClaimedJob } from '../types.js';

/**
 * Takes the environment's claim for a job being claimed, in SQL: made when there is none, taken over when it
 * expired (database time), refused (false) while another holds it. A claim row another transaction has
 * locked (a claim, a finish) is skipped rather than waited for, so claims never wait in a cycle; a claim
 * racing to make the same new row waits for the other's commit and then sees it held: at most one running
 * job per environment.
 */
export async function takeClaim(
  tx: StateTransaction,
  input: { environmentId: number; holder: string; token: string; claimSeconds: number },
): Promise<boolean> {
  const existing = await tx
    .selectFrom('claims')
    .select('environment_id')
    .where('environment_id', '=', input.environmentId)
    .executeTakeFirst();
  if (existing !== undefined) {
    const locked = await tx
      .selectFrom('claims')
      .select('environment_id')
      .where('environment_id', '=', input.environmentId)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (locked === undefined) return false;
  }
  const taken = await tx
    .insertInto('claims')
    .values({
      environment_id: input.environmentId,
      holder: input.holder,
      token: input.token,
      expires_at: secondsFromNow(input.claimSeconds),
    })
    .onConflict((conflict) =>
      conflict
        .column('environment_id')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          token: eb.ref('excluded.token'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where('claims.expires_at', '<=', sql<Date>`now()`),
    )
    .returning('token')
    .executeTakeFirst();
  return taken?.token === input.token;
}

/**
 * Whether the job still holds its environment's claim, the row locked until the transaction ends so
 * no takeover slips in between this check and the caller's writes.
 */
export async function holdsClaim(tx: StateTransaction, job: ClaimedJob): Promise<boolean> {
  const claim = await tx
    .selectFrom('claims')
    .select('token')
    .where('environment_id', '=', job.environment.id)
    .where('token', '=', job.claimToken)
    .forUpdate()
    .executeTakeFirst();
  return claim !== undefined;
}

/** Gives the environment's claim up (the job finished or went back to the queue). */
export async function dropClaim(tx: StateTransaction, job: ClaimedJob): Promise<void> {
  await tx
    .deleteFrom('claims')
    .where('environment_id', '=', job.environment.id)
    .where('token', '=', job.claimToken)
    .execute();
}
