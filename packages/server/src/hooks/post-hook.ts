import type { IncomingMessage } from 'node:http';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { HookAttemptError } from './hook-attempt-error.js';

export interface HookRequest {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** PEM certificate authorities to trust instead of Node's (a private CA); undefined: Node's. */
  ca?: string | undefined;
  timeoutMs: number;
  /** The longest `Retry-After` obeyed; a longer one waits this long. */
  maxRetryAfterMs: number;
  signal?: AbortSignal;
}

/**
 * `Retry-After` as milliseconds (delta seconds or an HTTP date), at most `capMs`; undefined when absent
 * or unreadable (the backoff applies).
 */
export function retryAfterMs(value: string | undefined, capMs: number, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (Number.isNaN(ms)) return undefined;
  return Math.min(capMs, Math.max(0, ms));
}

/**
 * One attempt: POSTs the body and resolves with the status when it is 2xx; anything else is a
 * HookAttemptError. Redirects are not followed (a 3xx is a failure: the signed body goes only where the
 * operator said). The response body is read and dropped, never kept.
 */
export function postHook(hook: HookRequest): Promise<number> {
  const url = new URL(hook.url);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  const timeout = AbortSignal.timeout(hook.timeoutMs);
  const signal = hook.signal === undefined ? timeout : AbortSignal.any([hook.signal, timeout]);
  return new Promise<number>((resolve, reject) => {
    const request = send(
      url,
      {
        method: 'POST',
        headers: { ...hook.headers, 'Content-Length': String(Buffer.byteLength(hook.body)) },
        signal,
        ...(hook.ca !== undefined && { ca: hook.ca }),
      },
      (response: IncomingMessage) => {
        response.resume();
        response.on('error', () => {});
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve(status);
          return;
        }
        const retryAfter = response.headers['retry-after'];
        const wait = retryAfterMs(
          Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
          hook.maxRetryAfterMs,
        );
        reject(
          new HookAttemptError('HTTP_STATUS', `the receiver answered HTTP ${status}`, {
            statusCode: status,
            ...(wait !== undefined && { retryAfterMs: wait }),
          }),
        );
      },
    );
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (timeout.aborted && !hook.signal?.aborted) {
        reject(new HookAttemptError('TIMEOUT', `no answer within ${hook.timeoutMs} ms`, { cause: error }));
      } else {
        // The code (ECONNREFUSED, ECONNRESET, DEPTH_ZERO_SELF_SIGNED_CERT…) says enough; Node's message
        // names only the address, which the delivery's row shows already.
        const code = hook.signal?.aborted ? 'aborted' : (error.code ?? error.name);
        reject(new HookAttemptError('NETWORK', `the request failed: ${code}`, { cause: error }));
      }
    });
    request.end(hook.body);
  });
}
