import { RetryError, withRetry } from '@deployer/retry';
import type { Authenticator } from '../auth/authenticator.js';
import { codeForStatus, parseErrorBody, RegistryError, type RegistryErrorCode } from '../errors.js';
import {
  isIdempotentMethod,
  isRetryableStatus,
  parseRetryAfter,
  type ResolvedRetryOptions,
} from './retry-policy.js';
import { type RawResponse, type RequestEvent, sendOnce } from './send.js';

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface RequestSpec {
  operation: string;
  /** For error messages: `host/repo:tag`. */
  ref?: string;
  method: HttpMethod;
  /** Path under the registry (`/v2/…`) or an absolute URL (upload locations, `Link` targets). */
  path: string;
  query?: Record<string, string | undefined>;
  headers?: Record<string, string>;
  body?: Uint8Array | string;
  /** Token scopes this request needs, e.g. `repository:a/b:pull`. */
  scopes: readonly string[];
  /** Statuses that count as success. */
  ok: readonly number[];
  /** Statuses handed back to the caller instead of thrown (e.g. 404 for "exists?" checks). */
  passThrough?: readonly number[];
  /** Code for a 404 without an error body (HEAD responses). */
  notFoundCode?: RegistryErrorCode;
  /** Override of the method's idempotency (an upload's closing PUT is not repeatable). */
  idempotent?: boolean;
  signal?: AbortSignal;
}

export interface HttpClientOptions {
  baseUrl: string;
  auth: Authenticator;
  retry: ResolvedRetryOptions;
  timeoutMs: number;
  userAgent: string;
  onRequest?: (event: RequestEvent) => void;
}

/**
 * Sends registry requests with auth, retries and typed errors. Retries (@deployer/retry's backoff,
 * `Retry-After` honoured) apply to 429, 5xx, timeouts and connection failures, and only to idempotent
 * requests; a 401 is answered once with fresh credentials.
 */
export class HttpClient {
  readonly #options: HttpClientOptions;

  constructor(options: HttpClientOptions) {
    this.#options = options;
  }

  get baseUrl(): string {
    return this.#options.baseUrl;
  }

  /** The retry policy requests get; for operations of several requests that retry as a whole (untag). */
  get retry(): ResolvedRetryOptions {
    return this.#options.retry;
  }

  #url(spec: RequestSpec): URL {
    const url = new URL(spec.path, this.#options.baseUrl);
    for (const [key, value] of Object.entries(spec.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, value);
    }
    return url;
  }

  async request(spec: RequestSpec): Promise<RawResponse> {
    const { retry } = this.#options;
    const idempotent = spec.idempotent ?? isIdempotentMethod(spec.method);
    const url = this.#url(spec);
    let reauthenticated = false;
    let authorization = await this.#options.auth.header(spec.scopes);
    /** The failures worth another run, with the wait their response asked for (`Retry-After`). */
    const retryable = new Map<unknown, number | undefined>();

    const exchange = async (attempt: number): Promise<RawResponse> => {
      let response: RawResponse;
      try {
        response = await sendOnce(
          url,
          {
            method: spec.method,
            headers: {
              'user-agent': this.#options.userAgent,
              ...spec.headers,
              ...(authorization ? { authorization } : {}),
            },
            body: spec.body,
          },
          {
            operation: spec.operation,
            ref: spec.ref,
            attempt: attempt - 1,
            timeoutMs: this.#options.timeoutMs,
            signal: spec.signal,
            onRequest: this.#options.onRequest,
          },
        );
      } catch (error) {
        if (error instanceof RegistryError && (error.code === 'CONNECTION' || error.code === 'TIMEOUT')) {
          retryable.set(error, undefined);
        }
        throw error;
      }

      if (spec.ok.includes(response.status) || spec.passThrough?.includes(response.status)) return response;

      if (response.status === 401 && !reauthenticated) {
        reauthenticated = true;
        const next = await this.#options.auth.challenged(
          response.headers.get('www-authenticate'),
          spec.scopes,
          authorization,
          spec.signal,
        );
        if (next) {
          authorization = next;
          return exchange(attempt); // An auth round trip is not a retry.
        }
      }

      const error = toRegistryError(spec, response);
      if (isRetryableStatus(response.status)) {
        const retryAfter = parseRetryAfter(response.headers.get('retry-after'));
        if (retryAfter === undefined || retryAfter <= retry.maxRetryAfterMs) retryable.set(error, retryAfter);
      }
      throw error;
    };

    try {
      const { value } = await withRetry(exchange, {
        attempts: idempotent ? retry.attempts : 1,
        baseDelayMs: retry.baseDelayMs,
        maxDelayMs: retry.maxDelayMs,
        ...(spec.signal === undefined ? {} : { signal: spec.signal }),
        shouldRetry: (error) => retryable.has(error),
        retryAfterMs: (error) => retryable.get(error),
      });
      return value;
    } catch (error) {
      // An abort while waiting for the next run is reported like an abort during a request.
      if (!(error instanceof RetryError && error.code === 'ABORTED')) throw error;
      throw new RegistryError(`${spec.operation}${spec.ref ? ` ${spec.ref}` : ''}: aborted`, {
        code: 'ABORTED',
        operation: spec.operation,
        ref: spec.ref,
        cause: error.cause,
      });
    }
  }
}

export function toRegistryError(
  spec: Pick<RequestSpec, 'operation' | 'ref' | 'notFoundCode'>,
  response: RawResponse,
) {
  const errors = parseErrorBody(response.body.toString('utf8'));
  const fallback = response.status === 404 ? (spec.notFoundCode ?? 'HTTP_ERROR') : 'HTTP_ERROR';
  const code = errors[0]?.code ?? codeForStatus(response.status, fallback);
  const detail = errors[0]?.message ? `: ${errors[0].message}` : '';
  const where = spec.ref ? ` ${spec.ref}` : '';
  return new RegistryError(`${spec.operation}${where} failed: ${response.status} ${code}${detail}`, {
    code,
    status: response.status,
    operation: spec.operation,
    ref: spec.ref,
    errors,
  });
}
