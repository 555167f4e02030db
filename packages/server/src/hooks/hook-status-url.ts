import type { HookBuildFacts } from '@deployer/state';
import type { ServerConfig } from '../config/server-config-schema.js';
import { environmentPagePath } from '../http/environment-page-path.js';

/**
 * The environment's status page for a hook's body, when the server knows its public address: the
 * repository's `github.statusUrl` (the same link GitHub feedback posts); undefined otherwise.
 */
export function hookStatusUrl(config: ServerConfig): (facts: HookBuildFacts) => string | undefined {
  return (facts) => {
    const repository = config.repositories.find(
      (candidate) => candidate.name.toLowerCase() === facts.repository.toLowerCase(),
    );
    const base = repository?.github?.statusUrl;
    if (base === undefined) return undefined;
    return `${base}${environmentPagePath(facts.buildUuid, repository!.name)}`;
  };
}
