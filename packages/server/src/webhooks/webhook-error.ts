import { CodedError } from '@deployer/contracts';

export type WebhookErrorCode =
  /** The body is larger than the limit (413). */
  | 'BODY_TOO_LARGE'
  /** `X-Hub-Signature-256` is missing, not `sha256=<64 hex>`, or does not match (401). */
  | 'MISSING_SIGNATURE'
  | 'INVALID_SIGNATURE'
  | 'SIGNATURE_MISMATCH'
  /** A required header is missing or malformed (400). */
  | 'INVALID_HEADER'
  /** The body is empty, not UTF-8, not JSON or not an object (400). */
  | 'INVALID_BODY'
  /** A field the event needs is missing or malformed (400). */
  | 'INVALID_PAYLOAD'
  /** The repository is not in the server config (404). */
  | 'UNKNOWN_REPOSITORY';

/** A webhook request the server refuses: `status` is the HTTP answer, the message names the header or field and the rule. */
export class WebhookError extends CodedError<WebhookErrorCode> {
  override readonly name = 'WebhookError';
  readonly status: 400 | 401 | 404 | 413;

  constructor(status: 400 | 401 | 404 | 413, code: WebhookErrorCode, message: string) {
    super(code, message);
    this.status = status;
  }
}
