import type { StateTransaction } from '../database/transaction.js';

/** The repository's id, its row made when it is new (a delivery may name one before syncRepositories). */
export async function repositoryId(tx: StateTransaction, fullName: string): Promise<number> {
  await tx
    .insertInto('repositories')
    .values({ full_name: fullName })
    .onConflict((conflict) => conflict.column('full_name').doNothing())
    .execute();
  const row = await tx
    .selectFrom('repositories')
    .select('id')
    .where('full_name', '=', fullName)
    .executeTakeFirstOrThrow();
  return row.id;
}
