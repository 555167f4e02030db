import { cacheLocations } from '@deployer/cache-ref';
import type { CallOptions, RegistryClient } from '@deployer/registry';

export interface PathRepository {
  repository: string;
  buildUuid: string | null;
}

/**
 * Repositories `<repository>/<service>[/<uuid>]` (cache-ref's path strategy), found with one walk of the
 * catalog: where the inventory and the run export listing look.
 */
export async function pathRepositories(
  client: RegistryClient,
  input: CallOptions & { repository: string; service: string; catalogPageSize?: number },
): Promise<PathRepository[]> {
  const { path } = cacheLocations(input);
  const found: PathRepository[] = [];
  // One catalog walk for all environments: requests grow with the catalog, not with refs × catalog.
  for await (const page of client.listCatalogPages({
    pageSize: input.catalogPageSize ?? 1000,
    signal: input.signal,
  })) {
    for (const name of page) {
      if (name === path.serviceRepository) {
        found.push({ repository: name, buildUuid: null });
      } else if (name.startsWith(path.repositoryPrefix)) {
        const uuid = name.slice(path.repositoryPrefix.length);
        if (uuid && !uuid.includes('/')) found.push({ repository: name, buildUuid: uuid });
      }
    }
  }
  return found;
}
