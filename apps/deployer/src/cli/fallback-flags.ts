import type { FlagSpecs } from './args.js';
import { UsageError } from './errors.js';

export const fallbackFlags = {
  fallback: {
    type: 'string',
    multiple: true,
    value: '<uuid>',
    description: "environment to warm from, in order (replaces the spec's fallbacks)",
  },
  'no-fallbacks': { type: 'boolean', description: "ignore the spec's fallbacks: a cold build" },
} as const satisfies FlagSpecs;

/** The fallbacks asked for on the command line; undefined keeps the spec's. */
export function fallbacksFromFlags(
  command: string,
  flags: { fallback?: string[] | undefined; 'no-fallbacks'?: boolean | undefined },
): string[] | undefined {
  if (flags['no-fallbacks'] && flags.fallback !== undefined) {
    throw new UsageError('--fallback and --no-fallbacks contradict each other: pick one', command);
  }
  return flags['no-fallbacks'] ? [] : flags.fallback;
}
