import { cacheLocations, parseRunExportTag } from '@deployer/cache-ref';
import { type CallOptions, formatRef, mapLimit, type RegistryClient } from '@deployer/registry';
import { existingTags } from '../existing-tags.js';
import { pathRepositories } from '../inventory/path-repositories.js';

/** A BuildKit run's export tag (cache-ref's `runExportTag`), still there: its run is running or died. */
export interface RunExportTag {
  /** `host/repository:tag` */
  ref: string;
  /** When the run that wrote it started, read from the tag. */
  startedAt: Date;
}

/**
 * Every run export tag of one service under a cache repository, both strategies: tags `cache--run-…` in the
 * environments' repositories `<repo>/<service>/<uuid>`, and `cache-<service>[-<uuid>]--run-…` in `<repo>`.
 * For `cache gc`, which removes those of runs that died; the cache tags themselves are never listed.
 */
export async function listRunExportTags(
  client: RegistryClient,
  input: CallOptions & { repository: string; service: string; concurrency?: number },
): Promise<RunExportTag[]> {
  const options = { signal: input.signal };
  const { tag } = cacheLocations(input);
  const repositories = (await pathRepositories(client, input)).map(({ repository }) => repository);
  const isOwn = (repository: string, head: string) =>
    repository !== tag.repository || head === tag.serviceTag || head.startsWith(tag.tagPrefix);
  const listed = await mapLimit(
    [...repositories, tag.repository],
    input.concurrency ?? 8,
    async (repository) =>
      (await existingTags(client, repository, options)).flatMap((name) => {
        const parsed = parseRunExportTag(name);
        if (parsed === null || !isOwn(repository, parsed.cacheTagHead)) return [];
        return [{ ref: formatRef(client.host, repository, name), startedAt: parsed.startedAt }];
      }),
  );
  return listed.flat();
}
