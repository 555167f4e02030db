import { leaseLocations } from '@deployer/cache-ref';
import type { LeaseHolder } from '@deployer/contracts';
import { type CallOptions, formatRef, mapLimit, type RegistryClient } from '@deployer/registry';
import { existingTags } from '../existing-tags.js';
import { readLease } from './lease-manifest.js';

/** A lease tag still in the registry: its run is building, finished without releasing, or died. */
export interface LeaseTag {
  /** `host/repository:tag` */
  ref: string;
  repository: string;
  tag: string;
  /** The build uuid component as found (sanitised as cache-ref writes it). */
  buildUuid: string;
  /** Who claimed it; null when the manifest there is no lease record. */
  holder: LeaseHolder | null;
}

interface Candidate {
  repository: string;
  tag: string;
  buildUuid: string;
}

/**
 * Every environment's lease tag of one service under a cache repository, both strategies (cache-ref's
 * `leaseLocations`): `<repository>/<service>/<uuid>/lease:lease`, found with one walk of the catalog, and
 * tags `lease-<service>-<uuid>` of `<repository>`, found with one tag listing; then one manifest GET per
 * lease for its holder. For `cache gc`, which releases those of runs that died. A path repository whose
 * lease was released (distribution keeps it in the catalog) is no entry.
 */
export async function listLeaseTags(
  client: RegistryClient,
  input: CallOptions & {
    repository: string;
    service: string;
    concurrency?: number;
    catalogPageSize?: number;
  },
): Promise<LeaseTag[]> {
  const options = { signal: input.signal };
  const { path, tag } = leaseLocations(input);
  const candidates: Candidate[] = [];
  for await (const page of client.listCatalogPages({
    pageSize: input.catalogPageSize ?? 1000,
    signal: input.signal,
  })) {
    for (const name of page) {
      if (!name.startsWith(path.repositoryPrefix) || !name.endsWith(path.repositorySuffix)) continue;
      const uuid = name.slice(path.repositoryPrefix.length, name.length - path.repositorySuffix.length);
      // Exactly one component between: `<service>/<uuid>/lease`, never a deeper repository.
      if (uuid !== '' && !uuid.includes('/'))
        candidates.push({ repository: name, tag: path.tag, buildUuid: uuid });
    }
  }
  for (const name of await existingTags(client, tag.repository, options)) {
    if (name.startsWith(tag.tagPrefix) && name.length > tag.tagPrefix.length) {
      candidates.push({ repository: tag.repository, tag: name, buildUuid: name.slice(tag.tagPrefix.length) });
    }
  }
  const read = await mapLimit(candidates, input.concurrency ?? 8, async (candidate) => {
    const found = await readLease(client, candidate.repository, candidate.tag, options);
    if (found === null) return [];
    const ref = formatRef(client.host, candidate.repository, candidate.tag);
    return [{ ...candidate, ref, holder: found.holder }];
  });
  return read.flat();
}
