import type { CacheSeedResult } from '@deployer/contracts';
import {
  type CallOptions,
  type Descriptor,
  type FetchedManifest,
  formatRef,
  isImageIndex,
  isManifestMediaType,
  isRegistryError,
  type Manifest,
  mapLimit,
  type RegistryClient,
} from '@deployer/registry';
import { isBuildkitCacheManifest } from '../inventory/cache-manifest.js';

/** A manifest tag or digest in a repository of the client's registry. */
export interface SeedLocation {
  repository: string;
  reference: string;
}

/** Mounts (or HEADs) at once: a cache has tens of blobs, each request is small. */
const concurrency = 8;

/*
 * A new environment's first BuildKit build imports its fallback's cache and exports its own. BuildKit then
 * downloads every blob from the fallback's repository and uploads it again into the environment's own
 * (twice the cache's size in traffic, though every step was cached and the registry held every byte).
 * Seeding writes the environment's ref first, inside the registry: the blobs are mounted across
 * repositories (distribution links them, nothing is copied) and the manifest is put byte for byte, so
 * BuildKit's export later finds every blob present and uploads only what the build changed.
 */

/**
 * Writes `to` as a copy of the BuildKit cache at `from` (same registry) without moving a blob: within one
 * repository (tag strategy) every blob is already there and is only checked, across repositories (path
 * strategy) each is mounted. Nested manifests (an index of image manifests) are put by digest first, the
 * cache manifest last, so `to` never names anything absent. Writes nothing but `to` and, for nested
 * manifests, their digests in `to`'s repository.
 */
export async function seedCacheRef(
  client: RegistryClient,
  from: SeedLocation,
  to: SeedLocation,
  options: CallOptions = {},
): Promise<CacheSeedResult> {
  const call = { signal: options.signal };
  const fromRef = formatRef(client.host, from.repository, from.reference);
  const source = await fetchIfPresent(client, from.repository, from.reference, call);
  if (source === undefined) return none('source-absent', `${fromRef} does not exist`, []);
  if (!isBuildkitCacheManifest(source.manifest)) {
    return none('not-a-cache', `${fromRef} holds no BuildKit cache`, []);
  }
  const nested = await nestedManifests(client, from.repository, source.manifest, call);
  const blobs = distinctBlobs(source.manifest, nested);

  const sameRepository = from.repository === to.repository;
  const present = await mapLimit(blobs, concurrency, async (blob) =>
    sameRepository
      ? (await client.headBlob(from.repository, blob.digest, call)) !== undefined
      : client.mountBlob(to.repository, blob.digest, from.repository, call),
  );
  const absent = blobs.filter((_, index) => !present[index]);
  if (absent.length > 0) {
    // A mount answered 202 either because the registry does not mount or because the blob is not in the
    // source repository; only a HEAD there tells which.
    const missing = sameRepository
      ? absent.map(() => true)
      : await mapLimit(
          absent,
          concurrency,
          async (blob) => (await client.headBlob(from.repository, blob.digest, call)) === undefined,
        );
    const corrupt = absent.find((_, index) => missing[index] === true);
    if (corrupt !== undefined) {
      return none(
        'source-corrupt',
        `${fromRef} references ${corrupt.digest}, which ${from.repository} no longer has`,
        blobs,
      );
    }
    return none(
      'mount-refused',
      `the registry ${client.host} did not mount ${absent[0]!.digest} from ${from.repository} into ${to.repository} (it answered 202, no cross-repository mounts)`,
      blobs,
    );
  }

  for (const child of nested) {
    await client.putManifest(to.repository, child.digest, child.fetched.bytes, {
      ...call,
      mediaType: child.fetched.mediaType,
    });
  }
  const head = await client.putManifest(to.repository, to.reference, source.bytes, {
    ...call,
    mediaType: source.mediaType,
  });
  return {
    status: 'mounted',
    digest: head.digest,
    blobs: blobs.length,
    bytes: totalBytes(blobs),
    mounts: sameRepository ? 0 : blobs.length,
    manifest: { digest: head.digest, mediaType: source.mediaType, bytes: source.bytes },
  };
}

function none(
  refusal: Extract<CacheSeedResult, { status: 'none' }>['refusal'],
  message: string,
  blobs: readonly Descriptor[],
): CacheSeedResult {
  return { status: 'none', refusal, message, blobs: blobs.length, bytes: totalBytes(blobs) };
}

const totalBytes = (blobs: readonly Descriptor[]) => blobs.reduce((sum, blob) => sum + blob.size, 0);

async function fetchIfPresent(
  client: RegistryClient,
  repository: string,
  reference: string,
  call: CallOptions,
): Promise<FetchedManifest | undefined> {
  try {
    return await client.getManifest(repository, reference, call);
  } catch (error) {
    if (isRegistryError(error, 'MANIFEST_UNKNOWN') || isRegistryError(error, 'NAME_UNKNOWN')) {
      return undefined;
    }
    throw error;
  }
}

interface NestedManifest {
  digest: string;
  fetched: FetchedManifest;
}

/** The image manifests an index lists (BuildKit's cache index lists blobs only; other writers may nest). */
async function nestedManifests(
  client: RegistryClient,
  repository: string,
  manifest: Manifest,
  call: CallOptions,
): Promise<NestedManifest[]> {
  if (!isImageIndex(manifest)) return [];
  const children = manifest.manifests.filter((entry) => isManifestMediaType(entry.mediaType));
  return mapLimit(children, concurrency, async (child) => ({
    digest: child.digest,
    fetched: await client.getManifest(repository, child.digest, call),
  }));
}

/** Every blob the cache references, each once: the index's blob entries, or a manifest's config and layers. */
function distinctBlobs(manifest: Manifest, nested: readonly NestedManifest[]): Descriptor[] {
  const found = new Map<string, Descriptor>();
  const add = (descriptor: Descriptor) => {
    if (!found.has(descriptor.digest)) found.set(descriptor.digest, descriptor);
  };
  const addManifest = (image: Manifest) => {
    if (isImageIndex(image)) {
      for (const entry of image.manifests) if (!isManifestMediaType(entry.mediaType)) add(entry);
    } else {
      add(image.config);
      for (const layer of image.layers) add(layer);
    }
  };
  addManifest(manifest);
  for (const child of nested) addManifest(child.fetched.manifest);
  return [...found.values()];
}
