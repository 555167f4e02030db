import { join } from 'node:path';
import type { RegistryProfileEntry } from '@deployer/contracts';
import { type Environment, loadEnvironment, overridesFromEnv } from '@deployer/deploy';
import { checkoutCommit } from '@deployer/git-checkout';
import type { EnvironmentKind } from '@deployer/state';
import type { RepositoryConfig } from '../config/server-config-schema.js';
import { operatorSettingsFor } from './operator-settings.js';

/** What loading a checkout's spec reads besides the checkout and the repository's server config. */
export interface SpecLoadingOptions {
  /** The process environment: its engine choice and insecure registries apply. */
  env: Readonly<Record<string, string | undefined>>;
  /**
   * The operator's config module's registry profiles: the one for the cache registry's host applies when
   * the server config's `cache` sets no `kind`/`profile` of its own.
   */
  registryProfiles?: readonly RegistryProfileEntry[];
}

/**
 * A repository's environment at one commit: the commit checked out into `dir`, its spec loaded with the
 * checkout as the root every path must stay inside and the server config's settings in place of the
 * spec's registry, cache, fallbacks and secret sources (the spec is a stranger's: see the threat model in
 * the README). Of the process environment's overrides only the engine choice and the insecure
 * registries apply; where images go is the server config's alone. What a job builds or tears down, and
 * what a sweep collects garbage for.
 */
export async function checkoutEnvironment(
  repository: RepositoryConfig,
  kind: EnvironmentKind,
  sha: string,
  dir: string,
  loading: SpecLoadingOptions,
  signal?: AbortSignal,
): Promise<Environment> {
  await checkoutCommit({ cloneUrl: repository.cloneUrl, sha, into: dir, ...(signal && { signal }) });
  const { engine, insecureRegistries } = overridesFromEnv(loading.env);
  return loadEnvironment(join(dir, repository.spec), {
    root: dir,
    operator: operatorSettingsFor(repository, kind),
    overrides: {
      ...(engine !== undefined && { engine }),
      ...(insecureRegistries !== undefined && { insecureRegistries }),
    },
    ...(loading.registryProfiles !== undefined && { registryProfiles: loading.registryProfiles }),
  });
}
