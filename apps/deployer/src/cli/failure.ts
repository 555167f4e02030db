import { CacheRefError } from '@deployer/cache-ref';
import { exitCodes, UsageError } from './errors.js';

export interface DescribedFailure {
  message: string;
  exitCode: number;
}

/**
 * Bad input exits 2 and everything else 1. Errors from the packages are recognised by their type or,
 * across package boundaries, by a `kind: 'input'` marker.
 */
export function describeFailure(error: unknown): DescribedFailure {
  if (error instanceof UsageError || error instanceof CacheRefError) {
    return { message: error.message, exitCode: exitCodes.badInput };
  }
  if (error instanceof Error) {
    const kind = (error as { kind?: unknown }).kind;
    return { message: error.message, exitCode: kind === 'input' ? exitCodes.badInput : exitCodes.failed };
  }
  return { message: String(error), exitCode: exitCodes.failed };
}
