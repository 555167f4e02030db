import { CodedError } from '@deployer/contracts';

/**
 * A config module that cannot be found, fails to load, or exports something that is not a config: bad
 * input (exit 2), refused before anything is planned or started. The message names the file.
 */
export class ConfigModuleError extends CodedError<'INVALID_CONFIG_MODULE'> {
  override readonly name = 'ConfigModuleError';
  readonly kind = 'input';
  constructor(
    readonly file: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super('INVALID_CONFIG_MODULE', message, options);
  }
}
