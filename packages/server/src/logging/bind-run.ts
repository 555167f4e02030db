import type { Logger } from 'pino';
import { addMasker, type LogMasker } from './log-masking.js';

/** What a line logged for a build is about; every line of the child logger carries these fields. */
export interface RunFields {
  buildUuid: string;
  /** The run id deploy gives the build (its cache-writer leases in the registry and its report name it). */
  runId: string;
  service?: string;
  /** The webhook delivery (`X-GitHub-Delivery`) that asked for the build. */
  deliveryId?: string;
}

/**
 * A child logger for one build run (or one service of it): every line carries the build uuid, run id,
 * and the service and delivery id when given. With `masker` (the build's `SecretMasker`), the values of
 * the build's secrets are masked in every line it logs, on top of the parent's maskers.
 */
export function bindRun(logger: Logger, fields: RunFields, options: { masker?: LogMasker } = {}): Logger {
  const bindings: Record<string, string> = { buildUuid: fields.buildUuid, runId: fields.runId };
  if (fields.service !== undefined) bindings.service = fields.service;
  if (fields.deliveryId !== undefined) bindings.deliveryId = fields.deliveryId;
  const child = logger.child(bindings);
  if (options.masker) addMasker(child, options.masker);
  return child;
}
