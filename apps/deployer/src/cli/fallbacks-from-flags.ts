import type { BuildUuid } from '@deployer/contracts';
import { validateBuildUuid } from '@deployer/deploy';
import { UsageError } from './errors.js';

// Apart from the flags' specs (fallback-flags.ts), which every command's usage loads: reading the flags
// needs deploy's build uuid rule, which `--help` must not load.

/** The fallbacks asked for on the command line, each validated; undefined keeps the spec's. */
export function fallbacksFromFlags(
  command: string,
  flags: { fallback?: string[] | undefined; 'no-fallbacks'?: boolean | undefined },
): BuildUuid[] | undefined {
  if (flags['no-fallbacks'] && flags.fallback !== undefined) {
    throw new UsageError('--fallback and --no-fallbacks contradict each other: pick one', command);
  }
  if (flags['no-fallbacks']) return [];
  return flags.fallback === undefined ? undefined : fallbackUuids(flags.fallback);
}

/**
 * Each `--fallback` through the build uuid rule, once, where it enters: an error names its place
 * (`--fallback 2`); what comes out is a BuildUuid the plan takes unchecked.
 */
export function fallbackUuids(given: readonly string[]): BuildUuid[] {
  return given.map((fallback, index) => validateBuildUuid(fallback, `--fallback ${index + 1}`));
}
