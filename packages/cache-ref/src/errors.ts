import { CodedError } from '@deployer/contracts';

export type CacheRefErrorCode =
  | 'INVALID_REFERENCE'
  | 'INVALID_COMPONENT'
  | 'INVALID_CONFIG'
  | 'UNSUPPORTED_COMBINATION';

/** Every failure of this package: `code` for programs, `part` and `rule` for people. */
export class CacheRefError extends CodedError<CacheRefErrorCode> {
  override readonly name = 'CacheRefError';
  /** Which part of the input was wrong, e.g. `tag`, `path component "Web"`, `service`. */
  readonly part: string;
  /** The rule it breaks, in words. */
  readonly rule: string;
  readonly input: string;

  constructor(code: CacheRefErrorCode, details: { part: string; rule: string; input: string }) {
    super(code, `${details.part} in ${JSON.stringify(details.input)}: ${details.rule}`);
    this.part = details.part;
    this.rule = details.rule;
    this.input = details.input;
  }
}
