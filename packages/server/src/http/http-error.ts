import { CodedError } from '@deployer/contracts';

/** A request the server refuses, with the HTTP status and a message naming the field and the rule. */
export class HttpRequestError extends CodedError<string> {
  override readonly name = 'HttpRequestError';
  constructor(
    readonly status: number,
    code: string,
    message: string,
  ) {
    super(code, message);
  }
}
