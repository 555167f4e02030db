import type { ColumnType, Generated } from 'kysely';

/** When an outgoing hook is called: a build succeeded, a build failed, an environment was torn down. */
export type HookEvent = 'built' | 'failed' | 'torn_down';

/** `pending` while a replica delivers it (or when that replica stopped before it ended). */
export type HookDeliveryOutcome = 'pending' | 'delivered' | 'failed';

/** The `hook_deliveries` table (migration 006) as Kysely sees it. */
export interface HookDeliveriesTable {
  /** The delivery id the receiver gets as `X-Deployer-Delivery` (a uuid). */
  id: string;
  /** The hook's URL without credentials or query. */
  hook_url: string;
  event: HookEvent;
  build_id: number;
  build_uuid: string;
  repository: string;
  attempts: Generated<number>;
  status_code: number | null;
  outcome: Generated<HookDeliveryOutcome>;
  last_error: string | null;
  created_at: ColumnType<Date, Date | undefined, never>;
  finished_at: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

/** One delivery as the API shows it. */
export interface HookDeliveryRecord {
  id: string;
  hookUrl: string;
  event: HookEvent;
  buildId: number;
  buildUuid: string;
  repository: string;
  /** Requests made (the first included); 0 while the first is in flight. */
  attempts: number;
  /** The last response's HTTP status; null when none came (a network error, a timeout). */
  statusCode: number | null;
  outcome: HookDeliveryOutcome;
  /** Why the last attempt failed, in the server's words (never the receiver's body). */
  lastError: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}
