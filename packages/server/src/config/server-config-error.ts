import { CodedError } from '@deployer/contracts';

export type ServerConfigErrorCode = 'CONFIG_NOT_FOUND' | 'INVALID_YAML' | 'INVALID_CONFIG';

/**
 * Something wrong in the server config file, named by the file and the key path in it
 * (`repositories[1].spec`) and the rule it broke. `kind: 'input'`: the app exits 2 and starts nothing.
 */
export class ServerConfigError extends CodedError<ServerConfigErrorCode> {
  override readonly name = 'ServerConfigError';
  readonly kind = 'input' as const;
  readonly file: string;
  /** Path into the config, e.g. `repositories[0].ttl`; `(root)` for the document itself. */
  readonly path: string;
  /** What is wrong, without the file and path. */
  readonly detail: string;

  constructor(
    code: ServerConfigErrorCode,
    details: { file: string; path: string; detail: string; cause?: unknown },
  ) {
    super(
      code,
      `${details.file}: ${details.path}: ${details.detail}`,
      details.cause === undefined ? undefined : { cause: details.cause },
    );
    this.file = details.file;
    this.path = details.path;
    this.detail = details.detail;
  }
}
