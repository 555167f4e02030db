import type { State } from '../database/open-state.js';
import { storedText } from '../database/sql-values.js';
import type { HookEvent } from './hook-deliveries-table.js';

export interface StartHookDeliveryInput {
  /** The delivery id (a uuid), `X-Deployer-Delivery`. */
  id: string;
  /** The hook's URL without credentials or query. */
  hookUrl: string;
  event: HookEvent;
  buildId: number;
  buildUuid: string;
  repository: string;
}

/**
 * Records a delivery as pending, unless this hook already has one for this build and event: true when
 * the caller is the one to deliver it. Replicas meet on the table's unique key, so a build whose end two
 * replicas report (a claim taken over) is announced once.
 */
export async function startHookDelivery(state: State, input: StartHookDeliveryInput): Promise<boolean> {
  const inserted = await state.db
    .insertInto('hook_deliveries')
    .values({
      id: input.id,
      hook_url: storedText(input.hookUrl),
      event: input.event,
      build_id: input.buildId,
      build_uuid: input.buildUuid,
      repository: input.repository,
      status_code: null,
      last_error: null,
    })
    .onConflict((conflict) => conflict.columns(['hook_url', 'build_id', 'event']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return inserted !== undefined;
}
