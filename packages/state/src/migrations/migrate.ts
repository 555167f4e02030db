import { type Kysely, type Migration, Migrator } from 'kysely';
import { StateError } from '../errors.js';
import * as initial from './001-initial.js';
import * as sweepsAndBuildDeliveries from './002-sweeps-and-build-deliveries.js';
import * as sessions from './003-sessions.js';
import * as branchesAndMergeHolds from './004-branches-and-merge-holds.js';
import * as claims from './005-claims.js';
import * as hookDeliveries from './006-hook-deliveries.js';

/** Every migration, as code (no folder to read at run time), in the order their names sort. */
const migrations: Record<string, Migration> = {
  '001-initial': initial,
  '002-sweeps-and-build-deliveries': sweepsAndBuildDeliveries,
  '003-sessions': sessions,
  '004-branches-and-merge-holds': branchesAndMergeHolds,
  '005-claims': claims,
  '006-hook-deliveries': hookDeliveries,
};

/** Brings the schema up to date; Kysely's Migrator locks, so replicas opening at once migrate once. */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error !== undefined) {
    const failed = results?.find((result) => result.status === 'Error')?.migrationName ?? 'unknown';
    throw new StateError(
      'MIGRATION_FAILED',
      `state migration ${failed} failed: ${(error as Error).message ?? String(error)}`,
      {
        cause: error,
      },
    );
  }
}
