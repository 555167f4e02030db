import type { BuildEvent } from '@deployer/contracts';
import type { ServiceSeeding } from '../cache/seed-decision.js';
import type { ServiceResult } from './report.js';

export type DeployEventBody =
  | { type: 'queued' }
  | { type: 'started' }
  | { type: 'engine'; event: BuildEvent }
  | { type: 'healed'; refs: string[] }
  | { type: 'heal-failed'; refs: string[]; errors: { ref: string; message: string }[] }
  | { type: 'warning'; message: string }
  /** Seeding the own cache ref from a fallback was tried before building (`seeding.from` names it). */
  | { type: 'seeded'; seeding: ServiceSeeding }
  /** Another run held the export ref's lease; this one waits `waitMs` (0: the lease was stale) for it to stop. */
  | { type: 'took-over'; runId: string; host: string | null; waitMs: number }
  | { type: 'finished'; result: ServiceResult };

/** Every event names the environment and the service, so interleaved logs stay attributable. */
export interface DeployEvent {
  buildUuid: string;
  service: string;
  event: DeployEventBody;
}
