import { UsageError } from './errors.js';

/**
 * A flag taking a whole number in plain decimal digits within [min, max]; absent stays undefined.
 * Number() alone would also take "0x10", "1e1" and " 2".
 */
export function wholeNumberFlag(
  command: string,
  flag: string,
  value: string | undefined,
  range: { min: number; max: number },
): number | undefined {
  if (value === undefined) return undefined;
  const n = /^(0|[1-9][0-9]{0,6})$/.test(value) ? Number(value) : Number.NaN;
  if (!(n >= range.min && n <= range.max)) {
    throw new UsageError(
      `--${flag} must be a whole number from ${range.min} to ${range.max} in decimal digits (got ${JSON.stringify(value)})`,
      command,
    );
  }
  return n;
}
