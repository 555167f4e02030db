import { join } from 'node:path';
import { type Environment, loadEnvironment, overridesFromEnv } from '@deployer/deploy';
import { checkoutCommit } from '@deployer/git-checkout';
import type { EnvironmentKind } from '@deployer/state';
import type { RepositoryConfig } from '../config/server-config-schema.js';
import { operatorSettingsFor } from './operator-settings.js';

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
  env: Readonly<Record<string, string | undefined>>,
  signal?: AbortSignal,
): Promise<Environment> {
  await checkoutCommit({ cloneUrl: repository.cloneUrl, sha, into: dir, ...(signal && { signal }) });
  const { engine, insecureRegistries } = overridesFromEnv(env);
  return loadEnvironment(join(dir, repository.spec), {
    root: dir,
    operator: operatorSettingsFor(repository, kind),
    overrides: {
      ...(engine !== undefined && { engine }),
      ...(insecureRegistries !== undefined && { insecureRegistries }),
    },
  });
}
