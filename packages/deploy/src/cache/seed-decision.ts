import type { RunExport } from '@deployer/cache-ref';
import type {
  CacheEndpoint,
  CachePlan,
  CacheSeeding,
  CacheSeedResult,
  LeaseHolder,
} from '@deployer/contracts';
import { decidePromotion } from './promote-if-newest.js';

/*
 * A new environment's first BuildKit build imports a fallback's cache and exports its own; BuildKit then
 * moves every cache blob out of the fallback's repository and back into the environment's (twice the
 * cache's size), though the registry holds every byte. Seeding writes the environment's own cache ref
 * from the fallback's inside the registry before building (cross-repository mounts, one manifest PUT),
 * so BuildKit imports the own ref and its export finds every blob present. Only ever the environment's
 * own ref is written, through the run's own tag and promotion, never a fallback's.
 */

/** How a service's own cache ref was seeded before its build, as the report shows it. */
export interface ServiceSeeding extends CacheSeeding {
  /** `mounted`: the own ref was written from `from` without moving a blob. `none`: nothing was written. */
  status: 'mounted' | 'none';
  /** Why nothing was seeded, or what was. */
  reason: string;
  /** The fallback ref seeded from (or whose seeding failed); null when none was tried. */
  from: string | null;
  /** Distinct blobs (and their bytes) the fallback's cache references; 0 when none was tried. */
  blobs: number;
  bytes: number;
}

export type SeedingPlan =
  | { seed: false; reason: string }
  | { seed: true; own: CacheEndpoint; runRef: CacheEndpoint; fallbacks: CacheEndpoint[] };

/**
 * Whether a service's build may seed its own cache ref at all, from its plan alone: only a BuildKit
 * registry cache with a run-scoped export (so the seeded manifest goes through the run's own tag and
 * promotion) and at least one ref to seed from.
 */
export function planSeeding(cache: CachePlan, runExport: RunExport | null): SeedingPlan {
  if (cache.engine !== 'buildkit') {
    return { seed: false, reason: 'buildah copies the layers it reused into the own repository itself' };
  }
  if (cache.export === null) return { seed: false, reason: 'no build uuid: nothing of its own to seed' };
  if (cache.mode === 'inline') return { seed: false, reason: 'inline cache travels inside the image' };
  if (runExport === null) return { seed: false, reason: 'no registry to seed through' };
  const fallbacks = cache.imports.filter((endpoint) => endpoint.source !== 'own');
  if (fallbacks.length === 0) return { seed: false, reason: 'no fallback cache to seed from' };
  return { seed: true, own: runExport.cacheRef, runRef: runExport.runRef, fallbacks };
}

/**
 * Whether to try the next fallback after one answered: only when it had nothing to seed from (absent, or
 * an image at a cache-shaped ref). A corrupt fallback or a registry that does not mount ends the attempt.
 */
export function triesNextFallback(result: CacheSeedResult): boolean {
  return result.status === 'none' && (result.refusal === 'source-absent' || result.refusal === 'not-a-cache');
}

export type SeedPromotionDecision = { promote: true } | { promote: false; reason: string };

/**
 * Whether the seeded run tag becomes the own cache ref: only while the own ref still does not exist (a run
 * that promoted meanwhile wrote a real export, which a seed must never overwrite) and this run may still
 * write (decidePromotion: not superseded, no newer run holding the lease).
 */
export function decideSeedPromotion(input: {
  ownExists: boolean;
  me: LeaseHolder;
  superseded: boolean;
  holder: LeaseHolder | null;
}): SeedPromotionDecision {
  if (input.ownExists) return { promote: false, reason: 'the own cache ref appeared meanwhile' };
  return decidePromotion(input);
}
