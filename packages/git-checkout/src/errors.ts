import { CodedError } from '@deployer/contracts';

export type GitCheckoutErrorCode =
  /** The commit is not 40 (SHA-1) or 64 (SHA-256) hexadecimal digits. */
  | 'INVALID_SHA'
  /** The clone URL is not https://, ssh://, git@host:path or file:///, or could pass as an option. */
  | 'INVALID_URL'
  /** The target folder exists, holds files and is no checkout of ours. */
  | 'TARGET_NOT_EMPTY'
  /** No `git` on PATH, or it could not be started. */
  | 'GIT_NOT_FOUND'
  | 'INIT_FAILED'
  /** The server refused or does not have the commit, or could not be reached. */
  | 'FETCH_FAILED'
  | 'CHECKOUT_FAILED'
  /** The checkout's HEAD is not the commit asked for. */
  | 'SHA_MISMATCH'
  /** The caller's signal aborted the checkout. */
  | 'ABORTED';

/** A checkout that failed; `code` names the step or the rule, the message what git or the input said. */
export class GitCheckoutError extends CodedError<GitCheckoutErrorCode> {
  override readonly name = 'GitCheckoutError';
}
