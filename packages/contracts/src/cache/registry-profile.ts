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
