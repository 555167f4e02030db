import type { BuildUuid } from '../build-uuid.js';
import type { CacheFlavour } from '../engine/engine-names.js';
import type { ResolvedStrategy } from './cache-strategy.js';
import type { RegistryProfile } from './registry-profile.js';

/*
 * A cache plan: which refs one service's build in one environment reads, writes and leases. Its shape is
 * defined here, where every engine and deploy read it; @deployer/cache-ref's `planCache` makes it.
 */

export interface CacheEndpoint {
  /** Full reference, `host/repository:tag`. */
  ref: string;
  /** `host/repository`, what engines that cache per repository (buildah) take. */
  repository: string;
  tag: string;
  /** The environment this ref belongs to; null for the service-wide ref. */
  buildUuid: BuildUuid | null;
  source: 'own' | 'fallback' | 'service';
}

/** Where the lease on an environment's export ref lives (see cache-ref's `leaseLocation`). */
export interface LeaseEndpoint {
  /** Full reference, `host/repository:tag`. */
  ref: string;
  /** `host/repository`. */
  repository: string;
  tag: string;
}

export interface CachePlan {
  /** Whose cache flags the plan speaks (`buildx` plans as `buildkit`; see `cacheFlavourOf`). */
  engine: CacheFlavour;
  registry: string;
  insecure: boolean;
  profile: RegistryProfile;
  strategy: ResolvedStrategy;
  /** `inline` where the registry refuses `mode=max`: the cache then travels inside the pushed image. */
  mode: 'max' | 'min' | 'inline';
  /** The environment's own ref; null when nothing may be written (no build uuid). */
  export: CacheEndpoint | null;
  /** Own ref, then fallbacks, in priority order, without duplicates. */
  imports: CacheEndpoint[];
  /**
   * The lease a run holds while it writes `export`, so that runs in other processes for the same
   * environment notice each other; null without a build uuid (a shared export has no single owner).
   */
  lease: LeaseEndpoint | null;
  /**
   * The service's cache whatever the environment: its service-wide ref (`<registry>/<repository>/<service>:cache`
   * under the path strategy, `<registry>/<repository>:cache-<service>` under the tag strategy). What a pool
   * of daemons routes a build by, so every environment of a service meets the daemon holding its local
   * cache: decided with the refs, never by taking a ref apart.
   */
  serviceCacheRef: string;
}
