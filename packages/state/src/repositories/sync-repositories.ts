import type { State } from '../database/open-state.js';

/** Makes a row for every configured repository (`owner/name`); existing ones stay as they are. */
export async function syncRepositories(state: State, fullNames: string[]): Promise<void> {
  if (fullNames.length === 0) return;
  await state.db
    .insertInto('repositories')
    .values([...new Set(fullNames)].map((full_name) => ({ full_name })))
    .onConflict((conflict) => conflict.column('full_name').doNothing())
    .execute();
}
