import type { State } from '../database/open-state.js';
import type { HookDeliveryRecord } from './hook-deliveries-table.js';

/** The most a list returns, whatever is asked. */
export const HOOK_DELIVERIES_MAX = 500;

/** The newest outgoing hook deliveries first, at most `limit` (1 to HOOK_DELIVERIES_MAX, default 50). */
export async function listHookDeliveries(
  state: State,
  options: { limit?: number } = {},
): Promise<HookDeliveryRecord[]> {
  const limit = Math.min(HOOK_DELIVERIES_MAX, Math.max(1, Math.trunc(options.limit ?? 50)));
  const rows = await state.db
    .selectFrom('hook_deliveries')
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    hookUrl: row.hook_url,
    event: row.event,
    buildId: row.build_id,
    buildUuid: row.build_uuid,
    repository: row.repository,
    attempts: row.attempts,
    statusCode: row.status_code,
    outcome: row.outcome,
    lastError: row.last_error,
    createdAt: new Date(row.created_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
  }));
}
