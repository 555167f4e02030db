import { DurationError } from '../errors.js';

const unitMs = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000 } as const;

/** Parses `14d`, `12h`, `30m`, `45s` into milliseconds; `source` names the flag in errors. */
export function parseDuration(value: string, source = 'duration'): number {
  const match = /^(\d+)([dhms])$/.exec(value.trim());
  if (match === null) throw new DurationError(value, source);
  const amount = Number(match[1]);
  if (!Number.isSafeInteger(amount) || amount === 0) throw new DurationError(value, source);
  return amount * unitMs[match[2] as keyof typeof unitMs];
}
