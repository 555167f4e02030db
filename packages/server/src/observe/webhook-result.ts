import type { WebhookDeliveryResult } from '../metrics/index.js';

/**
 * A delivery's result as the metrics count it: what the webhook route answered (`accepted`,
 * `duplicate`, `ignored`) or the code of the refusal (WebhookError's, or Fastify's for a body over the
 * limit).
 */
export function webhookResultOf(result: string): WebhookDeliveryResult {
  switch (result) {
    case 'accepted':
    case 'duplicate':
    case 'ignored':
      return result;
    case 'BODY_TOO_LARGE':
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'too-large';
    case 'MISSING_SIGNATURE':
    case 'INVALID_SIGNATURE':
    case 'SIGNATURE_MISMATCH':
      return 'unauthorized';
    case 'UNKNOWN_REPOSITORY':
      return 'unknown-repository';
    default:
      return 'invalid';
  }
}
