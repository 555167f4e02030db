import { validateBuildUuid } from '../uuid/build-uuid.js';

/** An environment to warm from, with why it is one (shown by `plan`, the build report and the pages). */
export interface FallbackChoice {
  buildUuid: string;
  why: string;
}

/** One environment whose cache a build imports, in the order the engine reads them. */
export interface ImportSource {
  buildUuid: string;
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
 * The fallbacks as choices, each validated: a bare string takes `why` (where the list came from), a
 * choice keeps its own. Order is kept; duplicates too (the cache plan drops them, as before).
 */
export function fallbackChoices(given: readonly (string | FallbackChoice)[], why: string): FallbackChoice[] {
  return given.map((entry, index) => {
    const choice = typeof entry === 'string' ? { buildUuid: entry, why } : { ...entry };
    validateBuildUuid(choice.buildUuid, `fallback ${index + 1}`);
    return choice;
  });
}

/**
 * Own first, then the fallbacks in order, each environment once: the order the cache plan's imports
 * follow (planCache drops the same duplicates), so what the report says is what the engine reads.
 */
export function importOrder(buildUuid: string, fallbacks: readonly FallbackChoice[]): ImportSource[] {
  const order: ImportSource[] = [{ buildUuid, source: 'own', why: ownWhy }];
  for (const fallback of fallbacks) {
    if (order.some((entry) => entry.buildUuid === fallback.buildUuid)) continue;
    order.push({ buildUuid: fallback.buildUuid, source: 'fallback', why: fallback.why });
  }
  return order;
}
