import { join } from 'node:path';
import { type Environment, loadEnvironment, overridesFromEnv } from '@deployer/deploy';
import { checkoutCommit } from '@deployer/git-checkout';
import type { RepositoryConfig } from '../config/server-config-schema.js';

/**
 * A repository's environment at one commit: the commit checked out into `dir`, its spec loaded with the
 * checkout as the root every path must stay inside, the process environment's overrides applied. What a
 * job builds or tears down, and what a sweep collects garbage for.
 */
export async function checkoutEnvironment(
  repository: RepositoryConfig,
  sha: string,
  dir: string,
  env: Readonly<Record<string, string | undefined>>,
  signal?: AbortSignal,
): Promise<Environment> {
  await checkoutCommit({ cloneUrl: repository.cloneUrl, sha, into: dir, ...(signal && { signal }) });
  return loadEnvironment(join(dir, repository.spec), { root: dir, overrides: overridesFromEnv(env) });
}
