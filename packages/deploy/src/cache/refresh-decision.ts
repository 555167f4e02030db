import type { RunExport } from '@deployer/cache-ref';
import type { BuildUuid, CacheEndpoint, CachePlan, LeaseHolder } from '@deployer/contracts';
import { decidePromotion, type PromotionDecision } from './promote-if-newest.js';

/*
 * When an environment skips a service because its content-tagged image exists, another environment
 * built that content (a merged pull request's, for the default branch). The skipping environment's own
 * cache ref still holds whatever it built before, and the next environment seeded from it starts from that
 * stale cache. So the own ref follows the skip: when it is older than the cache of an environment that
 * recorded this content (its ownership tag), it is brought up to date from that cache inside the registry,
 * the way seeding writes a new environment's (mounts, one manifest, the run's own tag, promotion).
 */

/** What following a skipped service's cache did, as the report shows it. */
export interface CacheRefresh {
  /** `refreshed`: the own cache ref now holds `from`'s cache. `none`: nothing was written. */
  status: 'refreshed' | 'none';
  /** The cache ref refreshed from (or considered); null when none was. */
  from: string | null;
  /** Why nothing was written, or what was. */
  reason: string;
}

export type RefreshPlan =
  | { refresh: false; reason: string }
  | { refresh: true; own: CacheEndpoint; runRef: CacheEndpoint };

/**
 * Whether a skipped service's own cache ref may follow another environment's at all, from its plan
 * alone: a BuildKit registry cache with a run-scoped export (the refresh goes through the run's own tag
 * and promotion), for an image whose content ownership tags record.
 */
export function planRefresh(
  service: { cache: CachePlan; tagSource: 'content' | 'git' | 'spec' },
  runExport: RunExport | null,
): RefreshPlan {
  const { cache } = service;
  if (cache.engine !== 'buildkit') {
    return {
      refresh: false,
      reason:
        "buildah imports the fallbacks' cache repositories and copies what it reuses into its own when it builds: nothing to follow without a build",
    };
  }
  if (cache.export === null) return { refresh: false, reason: 'no build uuid: no cache of its own' };
  if (cache.mode === 'inline') return { refresh: false, reason: 'inline cache travels inside the image' };
  if (service.tagSource !== 'content') {
    return {
      refresh: false,
      reason: 'its image is tagged by git sha or the spec, which no environment records as its content',
    };
  }
  if (runExport === null) return { refresh: false, reason: 'no registry to refresh through' };
  return { refresh: true, own: runExport.cacheRef, runRef: runExport.runRef };
}

/** Another environment's cache of the service, as found in the registry. */
export interface CacheCandidate {
  buildUuid: BuildUuid;
  ref: string;
  digest: string;
  /** Newest `buildkit/createdat`; null when it records none. */
  createdAt: Date | null;
}

/** The own cache ref as found: null when absent; `cache: false` for an image at the cache tag. */
export interface OwnCacheState {
  digest: string;
  cache: boolean;
  createdAt: Date | null;
}

export type RefreshDecision =
  | { refresh: true; from: CacheCandidate; why: string }
  | { refresh: false; from: string | null; reason: string };

/**
 * Whether to bring the own cache ref up to date, and from which cache: the newest (by createdat) of the
 * environments that recorded this content, when the own ref is absent or older. A cache without createdat
 * cannot be compared and is never taken; an own ref without one (BuildKit always writes it) counts as older.
 */
export function decideRefresh(own: OwnCacheState | null, theirs: readonly CacheCandidate[]): RefreshDecision {
  if (theirs.length === 0) {
    return { refresh: false, from: null, reason: 'no environment that uses this content has a cache' };
  }
  const dated = theirs.filter((candidate) => candidate.createdAt !== null);
  if (dated.length === 0) {
    return {
      refresh: false,
      from: theirs[0]!.ref,
      reason: `${theirs[0]!.ref} records no buildkit/createdat to compare`,
    };
  }
  const newest = dated.reduce((a, b) => (b.createdAt!.getTime() > a.createdAt!.getTime() ? b : a));
  if (own === null) return { refresh: true, from: newest, why: 'the own cache ref does not exist' };
  if (!own.cache) {
    return { refresh: false, from: newest.ref, reason: 'the own cache ref holds no BuildKit cache' };
  }
  if (own.digest === newest.digest) {
    return { refresh: false, from: newest.ref, reason: `the own cache ref is ${newest.ref}'s already` };
  }
  if (own.createdAt !== null && own.createdAt.getTime() >= newest.createdAt!.getTime()) {
    return { refresh: false, from: newest.ref, reason: `the own cache ref is as new as ${newest.ref}` };
  }
  const ownAt = own.createdAt === null ? 'undated' : own.createdAt.toISOString();
  return {
    refresh: true,
    from: newest,
    why: `the own cache ref (${ownAt}) is older than ${newest.ref} (${newest.createdAt!.toISOString()})`,
  };
}

/**
 * Whether the refreshed run tag becomes the own cache ref: only while the own ref is still what the
 * decision judged (a build that promoted meanwhile wrote a newer export, which a refresh must never
 * overwrite), and this run may still write (decidePromotion: not superseded, no newer run holding the lease).
 */
export function decideRefreshPromotion(input: {
  judgedDigest: string | null;
  currentDigest: string | null;
  me: LeaseHolder;
  superseded: boolean;
  holder: LeaseHolder | null;
}): PromotionDecision {
  if (input.currentDigest !== input.judgedDigest) {
    return { promote: false, reason: 'the own cache ref was written meanwhile' };
  }
  return decidePromotion(input);
}
