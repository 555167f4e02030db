import { CodedError } from '@deployer/contracts';

export type GitHubFeedbackErrorCode = 'GITHUB_CREDENTIALS_MISSING';

/**
 * GitHub feedback cannot start: a credential the server config names is missing or unreadable. Thrown
 * when the server starts (`kind: 'input'`, the app exits 2), never while a build runs; the message names
 * the config path and the variable or file, never a credential's value.
 */
export class GitHubFeedbackError extends CodedError<GitHubFeedbackErrorCode> {
  override readonly name = 'GitHubFeedbackError';
  readonly kind = 'input' as const;
}
