import type { EnvironmentKind, JobFallback } from '@deployer/state';
import type { RepositoryConfig } from '../config/server-config-schema.js';

/**
 * Of the environments the state names for a job's import order, those its build may import. A branch's
 * environment (the reviewed code's) imports the caches of pull requests merged into it only when pull
 * requests' builds were given every secret the operator lists: BuildKit leaves secrets out of its cache
 * keys, so a step a pull request ran without a withheld secret has the same key as the branch's step run
 * with it, and the branch's build would take the pull request's result for its own. (A skipped service's
 * cache refresh needs no such rule: a withheld secret changes the pull request's content tag, so the branch
 * never skips on its image.) Pull requests import whatever the state names: trusted caches, or caches of
 * strangers like themselves.
 */
export function importableFallbacks(
  fallbacks: readonly JobFallback[],
  repository: Pick<RepositoryConfig, 'secrets'>,
  kind: EnvironmentKind,
): JobFallback[] {
  const withholds = repository.secrets.some((secret) => !secret.pullRequests);
  if (kind !== 'fallback' || !withholds) return [...fallbacks];
  return fallbacks.filter((fallback) => fallback.relation !== 'merged-pull-request');
}
