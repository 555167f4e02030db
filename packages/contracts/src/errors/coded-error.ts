/**
 * An error programs tell apart by `code` and people read by its message; every deployer error class extends
 * it, so each package's errors need declare only their codes and their own fields.
 *
 * Subclasses set `name` explicitly (`override readonly name = 'GitCheckoutError'`) rather than taking it
 * from the constructor: the CLI is bundled, and a minifier may rename classes, but a string stays as written,
 * so stack traces and `name` checks read the same in the bundle as in the sources.
 */
export class CodedError<Code extends string = string> extends Error {
  override readonly name: string = 'CodedError';
  readonly code: Code;

  /** `options` goes to `Error` as given: a `cause` key, even `undefined`, becomes the error's `cause`. */
  constructor(code: Code, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
