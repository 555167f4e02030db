import { CacheRefError } from '@deployer/cache-ref';
import { UsageError } from './errors.js';

/** Runs a package validator on a flag's value, re-throwing its complaint as a UsageError naming the flag. */
export function validateFlag<T>(
  command: string,
  flag: string,
  value: string,
  validate: (value: string) => T,
): T {
  try {
    return validate(value);
  } catch (error) {
    if (!(error instanceof CacheRefError)) throw error;
    throw new UsageError(`--${flag} ${JSON.stringify(value)}: ${error.part}: ${error.rule}`, command);
  }
}
