// deploy's registry ports are @deployer/contracts'; this file only points there. Each function asks for the
// ports it uses: ImageRegistry (images and single tags), CacheRegistry (caches), LeaseRegistry (leases), or
// RegistryPort (all three) where a build passes the registry along.
export type { CacheRegistry, ImageRegistry, LeaseRegistry, RegistryPort } from '@deployer/contracts';
