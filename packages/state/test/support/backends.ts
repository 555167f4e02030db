import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalPostgres, startPostgres } from '@deployer/local-postgres';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe } from 'vitest';
import { openState, type State } from '../../src/index.js';

export type BackendKind = 'pglite' | 'postgres';

/** A real Postgres for the file (started in beforeAll) and a fresh database per call. */
export function usePostgres(): { freshDatabaseUrl: () => Promise<string> } {
  let postgres: LocalPostgres | undefined;
  let databases = 0;
  beforeAll(async () => {
    postgres = await startPostgres();
  });
  afterAll(async () => {
    await postgres?.stop();
  });
  return {
    async freshDatabaseUrl() {
      if (postgres === undefined) throw new Error('postgres not started');
      const name = `state_${++databases}`;
      const admin = new pg.Client({ connectionString: postgres.url });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE ${name}`);
      } finally {
        await admin.end();
      }
      return postgres.url.replace(/\/postgres$/, `/${name}`);
    },
  };
}

/**
 * Runs the body once per backend: PGlite in a temp folder, and a real Postgres (local-postgres). `open()`
 * gives a freshly migrated, empty state; every state opened is closed after each test.
 */
export function forEachBackend(body: (open: () => Promise<State>, kind: BackendKind) => void): void {
  describe.each(['pglite', 'postgres'] as const)('%s', (kind) => {
    const opened: State[] = [];
    const folders: string[] = [];
    const postgres = kind === 'postgres' ? usePostgres() : undefined;
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((state) => state.close()));
    });
    afterAll(async () => {
      await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
    });
    const open = async () => {
      let state: State;
      if (postgres !== undefined) {
        state = await openState({ databaseUrl: await postgres.freshDatabaseUrl() });
      } else {
        const folder = await mkdtemp(join(tmpdir(), 'deployer-state-test-'));
        folders.push(folder);
        state = await openState({ dataDir: join(folder, 'state') });
      }
      opened.push(state);
      return state;
    };
    body(open, kind);
  });
}
