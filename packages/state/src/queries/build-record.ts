import type { Selectable } from 'kysely';
import type { BuildsTable } from '../database/schema.js';
import type { BuildRecord } from '../types.js';

/** A builds row as the API shows it. */
export function toBuildRecord(row: Selectable<BuildsTable>): BuildRecord {
  return {
    id: row.id,
    kind: row.kind,
    sha: row.sha,
    generation: row.generation,
    status: row.status,
    engine: row.engine,
    report: row.report ?? null,
    error: row.error,
    queuedAt: row.queued_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    replica: row.replica,
  };
}
