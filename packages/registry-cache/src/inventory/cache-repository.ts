import {
  type CallOptions,
  type FetchedManifest,
  isImageIndex,
  isRegistryError,
  mapLimit,
  type RegistryClient,
} from '@deployer/registry';
import { collectBlobs, newest, parseCreatedAt, sumSizes } from './cache-measure.js';

/** A repository of per-layer cache images (buildah's `--cache-to`), one tag per cache key. */
export interface RepositoryToMeasure {
  repository: string;
  tags: readonly string[];
}

export interface MeasuredRepository {
  repository: string;
  /** Tags still present when their manifests were fetched. */
  tags: string[];
  /** Distinct manifest digests behind those tags. */
  digests: string[];
  /** Distinct blobs (configs and layers) over all its manifests. */
  sizeBytes: number;
  /** Newest `created` among its images' configs. */
  createdAt: Date | null;
}

const isGone = (error: unknown) =>
  isRegistryError(error, 'MANIFEST_UNKNOWN') ||
  isRegistryError(error, 'NAME_UNKNOWN') ||
  isRegistryError(error, 'BLOB_UNKNOWN');

/** An image config's `created`; null when the blob is missing or carries no parsable time. */
async function configCreated(
  client: RegistryClient,
  repository: string,
  digest: string,
  options: CallOptions,
): Promise<Date | null> {
  let bytes: Buffer;
  try {
    bytes = await client.getBlob(repository, digest, options);
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
  try {
    return parseCreatedAt((JSON.parse(bytes.toString('utf8')) as { created?: unknown }).created);
  } catch {
    return null;
  }
}

/**
 * Sizes and ages cache repositories with one manifest GET per tag and one config GET per distinct
 * config, all repositories sharing one concurrency bound. Tags deleted in between are left out; a
 * repository none of whose tags remain is omitted.
 */
export async function measureRepositories(
  client: RegistryClient,
  repositories: readonly RepositoryToMeasure[],
  concurrency: number,
  options: CallOptions,
): Promise<(MeasuredRepository | undefined)[]> {
  const jobs = repositories.flatMap((group, index) => group.tags.map((tag) => ({ index, tag })));
  const manifests = await mapLimit(jobs, concurrency, async ({ index, tag }) => {
    try {
      return await client.getManifest((repositories[index] as RepositoryToMeasure).repository, tag, options);
    } catch (error) {
      if (isGone(error)) return undefined;
      throw error;
    }
  });

  const perRepository = repositories.map(() => [] as { tag: string; fetched: FetchedManifest }[]);
  jobs.forEach((job, position) => {
    const fetched = manifests[position];
    if (fetched !== undefined) perRepository[job.index]?.push({ tag: job.tag, fetched });
  });

  const configs = new Map<string, { repository: string; digest: string }>();
  perRepository.forEach((found, index) => {
    const { repository } = repositories[index] as RepositoryToMeasure;
    for (const { fetched } of found) {
      if (isImageIndex(fetched.manifest)) continue;
      const digest = fetched.manifest.config.digest;
      configs.set(`${repository}@${digest}`, { repository, digest });
    }
  });
  const created = new Map<string, Date | null>();
  await mapLimit([...configs], concurrency, async ([key, { repository, digest }]) => {
    created.set(key, await configCreated(client, repository, digest, options));
  });

  return mapLimit(perRepository, concurrency, async (found, index) => {
    if (found.length === 0) return undefined;
    const { repository } = repositories[index] as RepositoryToMeasure;
    const blobs = new Map<string, number>();
    const digests = new Set<string>();
    let createdAt: Date | null = null;
    for (const { fetched } of found) {
      if (digests.has(fetched.digest)) continue;
      digests.add(fetched.digest);
      createdAt = newest(createdAt, await collectBlobs(client, repository, fetched.manifest, blobs, options));
      if (!isImageIndex(fetched.manifest)) {
        createdAt = newest(createdAt, created.get(`${repository}@${fetched.manifest.config.digest}`) ?? null);
      }
    }
    return {
      repository,
      tags: found.map(({ tag }) => tag),
      digests: [...digests],
      sizeBytes: sumSizes(blobs),
      createdAt,
    };
  });
}
