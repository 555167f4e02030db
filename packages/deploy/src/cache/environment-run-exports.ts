import { isRunExportTagOf, parseRunExportTag } from '@deployer/cache-ref';
import type { BuildUuid, ImageRegistry } from '@deployer/contracts';
import type { Environment } from '../spec/load-environment.js';
import { environmentCacheTags } from './environment-caches.js';

/**
 * One environment's run export tags of one service (cache-ref's run-export.ts) still in the registry, under
 * either strategy: `…/<service>/<uuid>:cache--run-…` and `<repo>:cache-<service>-<uuid>--run-…`. Matched
 * against the environment's own cache tags exactly, never by prefix: `pr-4`'s are never `pr-42`'s.
 */
export async function environmentRunExports(
  registry: ImageRegistry,
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
  request?: { signal: AbortSignal },
): Promise<{ ref: string; startedAt: Date }[]> {
  const found: { ref: string; startedAt: Date }[] = [];
  for (const { repository, tag } of environmentCacheTags(environment, service, buildUuid)) {
    for (const name of await registry.listTags(repository, request)) {
      const parsed = parseRunExportTag(name);
      if (parsed !== null && isRunExportTagOf(name, tag)) {
        found.push({ ref: `${repository}:${name}`, startedAt: parsed.startedAt });
      }
    }
  }
  return found;
}
