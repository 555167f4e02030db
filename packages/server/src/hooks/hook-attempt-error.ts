import { CodedError } from '@deployer/contracts';

export type HookAttemptErrorCode =
  /** The receiver answered, but not 2xx. */
  | 'HTTP_STATUS'
  /** No answer: refused, reset, TLS refused, DNS. */
  | 'NETWORK'
  /** No answer within the hook's timeout. */
  | 'TIMEOUT';

/**
 * Why one attempt of a hook delivery failed, in the server's own words: the message names the status or
 * the network error's code, never the receiver's body (it could echo anything back).
 */
export class HookAttemptError extends CodedError<HookAttemptErrorCode> {
  override readonly name = 'HookAttemptError';
  readonly statusCode: number | null;
  /** The receiver asked to wait this long (`Retry-After`), capped; undefined: the backoff. */
  readonly retryAfterMs: number | undefined;

  constructor(
    code: HookAttemptErrorCode,
    message: string,
    details: { statusCode?: number; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.statusCode = details.statusCode ?? null;
    this.retryAfterMs = details.retryAfterMs;
  }

  /** Network errors, timeouts, 5xx and 429 may pass; any other answer will not change by asking again. */
  get retryable(): boolean {
    if (this.code !== 'HTTP_STATUS') return true;
    return this.statusCode === 429 || (this.statusCode !== null && this.statusCode >= 500);
  }
}
