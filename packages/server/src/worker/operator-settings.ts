import type { SecretSource } from '@deployer/contracts';
import type { OperatorSettings } from '@deployer/deploy';
import type { EnvironmentKind } from '@deployer/state';
import type { RepositoryConfig } from '../config/server-config-schema.js';

/**
 * What the server config fixes for one repository's environment, whatever its spec says: registry, cache,
 * fallbacks and the secrets its builds get. A pull request (a stranger's code) gets only the secrets the
 * operator opted in for pull requests; an environment of kind `fallback` (the default branch, or a branch
 * `branches` lists: pushed by those who can push there) gets every listed one. `fallbacks` here is only the
 * spec's baseline (what `down` and `cache gc` read): a build's import order is the state's, computed when
 * its job runs (jobFallbacks in run-job.ts), and replaces it.
 */
export function operatorSettingsFor(repository: RepositoryConfig, kind: EnvironmentKind): OperatorSettings {
  const given = repository.secrets.filter((secret) => kind === 'fallback' || secret.pullRequests);
  return {
    registry: repository.registry,
    ...(repository.cache !== undefined && { cache: repository.cache }),
    fallbacks: kind === 'pull_request' ? [repository.fallback] : [],
    secrets: given.map(secretSource),
    withheldSecrets: repository.secrets
      .filter((secret) => !given.includes(secret))
      .map((secret) => secret.id),
    source: `the server config for ${repository.name}`,
  };
}

/**
 * The only variables a build may read: those of the secrets it is given. The build's secret lookup is
 * this object, never the server's environment, so no spec reaches a variable the operator did not list.
 */
export function secretVariables(
  settings: OperatorSettings,
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string | undefined> {
  const variables: Record<string, string | undefined> = {};
  for (const secret of settings.secrets) if ('env' in secret) variables[secret.env] = env[secret.env];
  return variables;
}

function secretSource(secret: RepositoryConfig['secrets'][number]): SecretSource {
  return secret.env !== undefined
    ? { id: secret.id, env: secret.env }
    : { id: secret.id, file: secret.file! };
}
