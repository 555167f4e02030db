import { createHash } from 'node:crypto';

/** Length of the hash suffix: 40 bits keeps accidental collisions negligible across thousands of refs. */
export const shortHashLength = 10;

/** A short, stable hash of the original text, appended wherever sanitising had to change it. */
export function shortHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, shortHashLength);
}
