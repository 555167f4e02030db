/**
 * The registry kinds deployer knows a profile for (`kind` in the cache config, `--kind`). @deployer/cache-ref
 * lists them at run time (`registryKinds`), checked against this union so the two cannot drift.
 */
export type RegistryKind = 'distribution' | 'ecr' | 'gar' | 'ghcr' | 'acr' | 'dockerhub' | 'harbor' | 'quay';

/** What deployer knows of a registry: what its cache refs and cache exports may look like there. */
export interface RegistryProfile {
  kind: RegistryKind;
  /** Repository paths deeper than the registry's own layout (`repo/service/uuid`) are allowed. */
  nestedPaths: boolean;
  /** Pushing to a repository that does not exist yet creates it. */
  createsRepositoriesOnPush: boolean;
  /** BuildKit's registry cache export with `mode=max` is accepted; else the cache travels inline. */
  acceptsModeMax: boolean;
  /** Extra `--export-cache` attributes the registry needs. */
  exportAttributes: Record<string, string>;
}

/**
 * A platform team's profile for one registry (a config module's `registryProfiles`): used for the cache
 * registry `host` when the spec (under `deployer serve`, the server config) sets neither `cache.kind` nor
 * `cache.profile` itself; the spec's own setting wins.
 */
export interface RegistryProfileEntry {
  /** `host[:port]`, matched exactly, case-insensitively, against the cache registry. */
  host: string;
  /** Replaces the kind detected from the host (the spec's `cache.kind`). */
  kind?: RegistryKind;
  /** Replaces single profile properties (the same keys as the spec's `cache.profile`). */
  profile?: Partial<Omit<RegistryProfile, 'kind'>>;
}
