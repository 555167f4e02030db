import type { CachePlan, ImageRegistry } from '@deployer/contracts';

export interface HealOutcome {
  /** True when every reported ref is gone from the registry. */
  healed: boolean;
  deleted: string[];
  /** Reported refs outside this build's cache plan: never deleted, an engine cannot point us elsewhere. */
  refused: string[];
  errors: { ref: string; message: string }[];
}

/**
 * Deletes the cache refs an engine reported corrupt, so the next build of any environment that imports them
 * starts cold instead of failing on them again. Only refs of this build's cache plan are touched.
 */
export async function healCorruptCacheRefs(
  refs: readonly string[],
  cache: CachePlan,
  registry: ImageRegistry | undefined,
  signal?: AbortSignal,
): Promise<HealOutcome> {
  const outcome: HealOutcome = { healed: false, deleted: [], refused: [], errors: [] };
  if (refs.length === 0) return outcome;
  const planned = new Set([...cache.imports.map((endpoint) => endpoint.ref), cache.export?.ref]);
  for (const ref of new Set(refs)) {
    if (!planned.has(ref)) {
      outcome.refused.push(ref);
      continue;
    }
    if (registry === undefined) {
      outcome.errors.push({ ref, message: 'no registry to delete it through' });
      continue;
    }
    try {
      await registry.deleteTag(ref, signal === undefined ? undefined : { signal });
      outcome.deleted.push(ref);
    } catch (error) {
      outcome.errors.push({ ref, message: error instanceof Error ? error.message : String(error) });
    }
  }
  outcome.healed = outcome.refused.length === 0 && outcome.errors.length === 0;
  return outcome;
}
