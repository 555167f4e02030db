import type { BuildUuid } from '@deployer/contracts';

/** An environment to warm from, with why it is one (shown by `plan`, the build report and the pages). */
export interface FallbackChoice {
  buildUuid: BuildUuid;
  why: string;
}

/** One environment whose cache a build imports, in the order the engine reads them. */
export interface ImportSource {
  buildUuid: BuildUuid;
  source: 'own' | 'fallback';
  why: string;
}

/** Why a fallback given as a bare string is one, by where it came from. */
export const fallbackWhy = {
  flag: '--fallback',
  spec: "the spec's fallbacks",
  operator: "the server config's fallback",
} as const;

const ownWhy = 'its own cache';

/**
 * The fallbacks as choices: a bare build uuid takes `why` (where the list came from), a choice keeps its
 * own. Order is kept; duplicates too (the cache plan drops them, as before). Nothing is checked here: each
 * uuid was validated where it came in (the flag, the spec, the server's config).
 */
export function fallbackChoices(
  given: readonly (BuildUuid | FallbackChoice)[],
  why: string,
): FallbackChoice[] {
  return given.map((entry) => (typeof entry === 'string' ? { buildUuid: entry, why } : { ...entry }));
}

/**
 * Own first, then the fallbacks in order, each environment once: the order the cache plan's imports
 * follow (planCache drops the same duplicates), so what the report says is what the engine reads.
 */
export function importOrder(buildUuid: BuildUuid, fallbacks: readonly FallbackChoice[]): ImportSource[] {
  const order: ImportSource[] = [{ buildUuid, source: 'own', why: ownWhy }];
  for (const fallback of fallbacks) {
    if (order.some((entry) => entry.buildUuid === fallback.buildUuid)) continue;
    order.push({ buildUuid: fallback.buildUuid, source: 'fallback', why: fallback.why });
  }
  return order;
}
