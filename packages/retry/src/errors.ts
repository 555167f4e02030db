import { CodedError } from '@deployer/contracts';

export type RetryErrorCode =
  /** The signal aborted while waiting for the next attempt. */
  | 'ABORTED'
  /** The policy breaks a rule (attempts not an integer ≥ 1, a negative delay). */
  | 'INVALID_POLICY';

/** An error of the retry loop itself; the task's own errors are thrown as they are. */
export class RetryError extends CodedError<RetryErrorCode> {
  override readonly name = 'RetryError';
  /** Runs of the task so far, the first included (ABORTED). */
  readonly attempts: number;
  /** The failure that was about to be retried (ABORTED). */
  readonly lastError: unknown;

  constructor(
    code: RetryErrorCode,
    message: string,
    details: { attempts?: number; lastError?: unknown; cause?: unknown } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.attempts = details.attempts ?? 0;
    this.lastError = details.lastError;
  }
}
