import { HOOK_DELIVERIES_MAX } from '@deployer/state';
import { HttpRequestError } from '../http/http-error.js';

/** `?limit=` of `GET /api/hooks/deliveries`: a whole number from 1 to HOOK_DELIVERIES_MAX, default 50. */
export function hookDeliveriesLimit(query: unknown): number {
  const value = (query as Record<string, unknown> | undefined)?.limit;
  if (value === undefined) return 50;
  if (
    typeof value !== 'string' ||
    !/^[0-9]{1,4}$/.test(value) ||
    Number(value) < 1 ||
    Number(value) > HOOK_DELIVERIES_MAX
  ) {
    throw new HttpRequestError(
      400,
      'INVALID_QUERY',
      `limit: must be a whole number from 1 to ${HOOK_DELIVERIES_MAX}`,
    );
  }
  return Number(value);
}
