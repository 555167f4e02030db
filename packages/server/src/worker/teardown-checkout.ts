import { type Environment, isInputError } from '@deployer/deploy';
import { type ClaimedJob, getEnvironment, type State } from '@deployer/state';
import type { RepositoryConfig } from '../config/server-config-schema.js';
import { checkoutEnvironment, type SpecLoadingOptions } from './checkout-environment.js';

/** Where a teardown checks out the last built commit when the head's spec cannot be loaded. */
export const lastBuiltDir = (dir: string): string => `${dir}-last-built`;

/**
 * The environment a teardown removes. Its head commit's spec first; when that spec is refused (a pull
 * request that broke its spec, or named a tag, on its last push — a stranger can do either on purpose),
 * the spec of the environment's newest successful build, whose images and caches are what exist.
 * Without that, one bad push before closing would leave everything the earlier pushes built behind.
 */
export async function teardownCheckout(
  job: ClaimedJob,
  repository: RepositoryConfig,
  options: SpecLoadingOptions & { state: State },
  dir: string,
  signal: AbortSignal,
): Promise<Environment> {
  const kind = job.environment.kind;
  try {
    return await checkoutEnvironment(repository, kind, job.sha, dir, options, signal);
  } catch (error) {
    if (!isInputError(error)) throw error;
    const [found] = await getEnvironment(options.state, job.environment.buildUuid, repository.name);
    const lastBuilt = found?.builds.find(
      (build) => build.kind === 'build' && build.status === 'succeeded' && build.sha !== job.sha,
    );
    if (lastBuilt === undefined) throw error;
    return checkoutEnvironment(repository, kind, lastBuilt.sha, lastBuiltDir(dir), options, signal);
  }
}
