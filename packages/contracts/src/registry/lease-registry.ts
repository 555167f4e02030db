import type { LeaseHolder } from './lease-holder.js';
import type { LeaseInfo } from './lease-info.js';

/**
 * Leases in a registry: which run may write an environment's cache ref. Lease references are full
 * `host/repository:tag` strings (`CachePlan.lease`).
 */
export interface LeaseRegistry {
  /**
   * Makes `holder` the holder of the lease at `leaseRef`, returning who held it before, or null. Last write
   * wins: the registry has no compare-and-swap. `whileWriting` is called once the claim's write is on its
   * way, for work to do while the registry stores it (a write takes the registry longest).
   */
  claimLease(
    leaseRef: string,
    holder: LeaseHolder,
    options?: { signal?: AbortSignal; whileWriting?: () => void },
  ): Promise<LeaseHolder | null>;
  /** Who holds the lease at `leaseRef`; null when nobody does. */
  leaseHolder(leaseRef: string, options?: { signal?: AbortSignal }): Promise<LeaseHolder | null>;
  /**
   * Releases `holder`'s lease: deletes the record its claim wrote (by digest, one request), so a lease
   * another run has claimed since stays. False when that record is not stored (never claimed, or released).
   */
  releaseLease(leaseRef: string, holder: LeaseHolder, options?: { signal?: AbortSignal }): Promise<boolean>;
  /**
   * Every environment's lease tag of a service under a cache repository (`host/repository`), both
   * strategies, each with its holder: `cache gc` releases those of runs that died (by `releaseLease` with
   * the holder read, so a claim landing since stays).
   */
  listLeases(
    cacheRepository: string,
    service: string,
    options?: { signal?: AbortSignal },
  ): Promise<LeaseInfo[]>;
}
