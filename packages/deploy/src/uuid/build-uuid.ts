import type { BuildUuid } from '@deployer/contracts';
import { BuildUuidError } from '../errors.js';
import { adjectives, nouns } from './build-uuid-words.js';

/*
 * The one rule for a build uuid, and the only makers of contracts' `BuildUuid` (besides @deployer/state, which
 * reads back uuids validated when written): every edge (flags, the spec, the server's config and requests,
 * the generator) passes through here once, and everything past it takes a BuildUuid and checks nothing.
 */

/** A DNS-label-sized, lower-case name: usable as a cache path component, an image tag and a hostname. */
const buildUuidPattern = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const buildUuidMaxLength = 63;

export interface GenerateBuildUuidOptions {
  /** Returns a number in [0, 1); `Math.random` by default. Inject for reproducible tests. */
  random?: () => number;
}

function pick<T>(items: readonly T[], random: () => number): T {
  const index = Math.min(items.length - 1, Math.floor(random() * items.length));
  return items[index]!;
}

/** A human-readable build uuid, `adjective-noun-NNNNNN`, e.g. `wandering-credit-924200`. */
export function generateBuildUuid(options: GenerateBuildUuidOptions = {}): BuildUuid {
  const random = options.random ?? Math.random;
  const number = Math.min(999_999, Math.floor(random() * 1_000_000));
  const uuid = `${pick(adjectives, random)}-${pick(nouns, random)}-${String(number).padStart(6, '0')}`;
  return validateBuildUuid(uuid, 'generated build uuid');
}

/**
 * Returns `value` when it is a valid build uuid, else throws a BuildUuidError naming `source`
 * (the flag or spec field it came from, e.g. `--uuid` or `fallbacks[0]`).
 */
export function validateBuildUuid(value: string, source = 'build uuid'): BuildUuid {
  if (value.length === 0) throw new BuildUuidError(source, value, 'must not be empty');
  if (value.length > buildUuidMaxLength) {
    throw new BuildUuidError(source, value, `must be at most ${buildUuidMaxLength} characters`);
  }
  if (!buildUuidPattern.test(value)) {
    throw new BuildUuidError(
      source,
      value,
      'must be lower-case letters and digits in groups separated by single dashes, e.g. wandering-credit-924200',
    );
  }
  return value as BuildUuid;
}

/** Whether `value` is a valid build uuid (`validateBuildUuid` without the error), narrowing it. */
export function isBuildUuid(value: string): value is BuildUuid {
  return value.length <= buildUuidMaxLength && buildUuidPattern.test(value);
}
