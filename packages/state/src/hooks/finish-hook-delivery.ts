import type { State } from '../database/open-state.js';
import { now, storedText } from '../database/sql-values.js';

export interface HookDeliveryResult {
  outcome: 'delivered' | 'failed';
  /** Requests made, the first included. */
  attempts: number;
  /** The last response's HTTP status, or null when none came. */
  statusCode: number | null;
  /** Why the last attempt failed (short, the server's words); null when delivered. */
  lastError: string | null;
}

/** Longest `last_error` kept: a summary, never a receiver's page. */
export const HOOK_ERROR_MAX_CHARS = 300;

/** Records what became of a pending delivery, at the database's clock. */
export async function finishHookDelivery(
  state: State,
  id: string,
  result: HookDeliveryResult,
): Promise<void> {
  const lastError =
    result.lastError === null ? null : storedText(result.lastError.slice(0, HOOK_ERROR_MAX_CHARS));
  await state.db
    .updateTable('hook_deliveries')
    .set({
      outcome: result.outcome,
      attempts: result.attempts,
      status_code: result.statusCode,
      last_error: lastError,
      finished_at: now,
    })
    .where('id', '=', id)
    .execute();
}
