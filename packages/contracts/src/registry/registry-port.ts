import type { CacheRegistry } from './cache-registry.js';
import type { ImageRegistry } from './image-registry.js';
import type { LeaseRegistry } from './lease-registry.js';

/**
 * The whole registry, all three ports at once: what a build of an environment passes around (it checks
 * images, promotes its cache export and holds leases) and what `@deployer/registry-cache`'s
 * `createRegistryPort` implements. Code that needs less asks for the port it uses.
 */
export type RegistryPort = ImageRegistry & CacheRegistry & LeaseRegistry;
