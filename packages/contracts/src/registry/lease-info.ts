import type { LeaseHolder } from './lease-holder.js';

/**
 * A lease tag found in a registry (`LeaseRegistry.listLeases`): what `cache gc` decides on. A lease whose
 * run died stays until someone removes it; its holder tells whether its run may still be building.
 */
export interface LeaseInfo {
  /** `host/repository:tag` (`CachePlan.lease`). */
  ref: string;
  /** The build uuid component as found in the ref (sanitised as cache-ref writes it); a plain string, as `CacheRefInfo.buildUuid`. */
  buildUuid: string;
  /** Who claimed it; null when the manifest at the tag is no lease record. */
  holder: LeaseHolder | null;
}
