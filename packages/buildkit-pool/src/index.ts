export {
  type DaemonEntry,
  type DnsOptions,
  expandDaemonEntries,
  parseDaemonEntry,
  splitDaemonList,
} from './daemons/addresses.js';
export {
  checkDaemon,
  cpusLabel,
  cpusOf,
  type DaemonHealth,
  type HealthCheckOptions,
} from './daemons/health-check.js';
export { BuildkitPoolError, type BuildkitPoolErrorCode } from './errors.js';
export { type BuildkitPool, createBuildkitPool } from './pool/create-pool.js';
export type { PoolEvent } from './pool/pool-events.js';
export type { BuildkitPoolOptions, DaemonEngineOptions } from './pool/pool-options.js';
export { type DaemonLoad, type Placement, placeBuild } from './routing/bounded-load.js';
export { cacheIdentity } from './routing/cache-identity.js';
export { DaemonSlots } from './routing/daemon-slots.js';
export { createHashRing, defaultVirtualNodes, type HashRing, ringPosition } from './routing/hash-ring.js';
