import { RegistryError } from '../errors.js';
import { exchange, type OutgoingRequest, type ResponseHeaders } from './transport.js';

/** Reported once per HTTP exchange, including token requests and retries. */
export interface RequestEvent {
  method: string;
  /** Request URL; never carries credentials (they travel in headers or bodies). */
  url: string;
  operation: string;
  /** 0 for the first try, 1 for the first retry, … */
  attempt: number;
  status?: number;
  /** Error code when no response arrived (CONNECTION, TIMEOUT, ABORTED). */
  error?: string;
  durationMs: number;
}

export interface SendContext {
  operation: string;
  ref?: string;
  attempt: number;
  timeoutMs: number;
  signal?: AbortSignal;
  onRequest?: (event: RequestEvent) => void;
}

export interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  body: Buffer;
  url: string;
}

function describeFailure(error: unknown): string {
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && code !== 'CONNECTION') return code;
  return error instanceof Error ? error.message : String(error);
}

/**
 * One request (redirects followed), body included, under a per-request timeout combined with the caller's signal. Network
 * failures become RegistryErrors (CONNECTION, TIMEOUT or ABORTED) so callers see one error type.
 */
export async function sendOnce(url: URL, init: OutgoingRequest, context: SendContext): Promise<RawResponse> {
  const timeout = AbortSignal.timeout(context.timeoutMs);
  const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
  const started = performance.now();
  const method = init.method ?? 'GET';
  const report = (extra: { status?: number; error?: string }) =>
    context.onRequest?.({
      method,
      url: `${url.origin}${url.pathname}${url.search}`,
      operation: context.operation,
      attempt: context.attempt,
      durationMs: Math.round(performance.now() - started),
      ...extra,
    });
  try {
    const response = await exchange(url, init, signal);
    report({ status: response.status });
    return response;
  } catch (error) {
    const where = context.ref ? ` ${context.ref}` : ` ${url.host}`;
    if (context.signal?.aborted) {
      report({ error: 'ABORTED' });
      throw new RegistryError(`${context.operation}${where}: aborted`, {
        code: 'ABORTED',
        operation: context.operation,
        ref: context.ref,
        cause: context.signal.reason,
      });
    }
    if (timeout.aborted) {
      report({ error: 'TIMEOUT' });
      throw new RegistryError(`${context.operation}${where}: no response within ${context.timeoutMs} ms`, {
        code: 'TIMEOUT',
        operation: context.operation,
        ref: context.ref,
      });
    }
    report({ error: 'CONNECTION' });
    throw new RegistryError(`${context.operation}${where}: connection failed (${describeFailure(error)})`, {
      code: 'CONNECTION',
      operation: context.operation,
      ref: context.ref,
    });
  }
}
