import { type Kysely, sql } from 'kysely';

// Migration 005 (issue 23): the per-environment row a claimed job holds is the environment's **claim**,
// no longer a "lease" (that word is the registry cache writer's lease, deploy's alone). The table, its
// primary key (and that key's index) and its foreign key take the new name; no row changes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE leases RENAME TO claims`.execute(db);
  await sql`ALTER TABLE claims RENAME CONSTRAINT leases_pkey TO claims_pkey`.execute(db);
  await sql`ALTER TABLE claims RENAME CONSTRAINT leases_environment_id_fkey TO claims_environment_id_fkey`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE claims RENAME CONSTRAINT claims_environment_id_fkey TO leases_environment_id_fkey`.execute(
    db,
  );
  await sql`ALTER TABLE claims RENAME CONSTRAINT claims_pkey TO leases_pkey`.execute(db);
  await sql`ALTER TABLE claims RENAME TO leases`.execute(db);
}
