import {
  type CallOptions,
  type Descriptor,
  isImageIndex,
  isManifestMediaType,
  type Manifest,
  type RegistryClient,
} from '@deployer/registry';

const CREATED_AT = 'buildkit/createdat';

/** RFC 3339 with up to nanoseconds (Go's format); JavaScript dates keep milliseconds. */
export function parseCreatedAt(value: unknown): Date | null {
  if (typeof value !== 'string' || value === '') return null;
  const normalised = value.replace(/(\.\d{3})\d+/, '$1');
  const time = Date.parse(normalised);
  return Number.isNaN(time) ? null : new Date(time);
}

/** The later of two times; null only when both are. */
export function newest(a: Date | null, b: Date | null): Date | null {
  if (a === null) return b;
  if (b === null) return a;
  return a.getTime() >= b.getTime() ? a : b;
}

export function sumSizes(blobs: ReadonlyMap<string, number>): number {
  let sizeBytes = 0;
  for (const size of blobs.values()) sizeBytes += size;
  return sizeBytes;
}

function descriptorsOf(manifest: Manifest): Descriptor[] {
  return isImageIndex(manifest) ? manifest.manifests : [manifest.config, ...manifest.layers];
}

/**
 * Records the blobs one manifest references into `blobs` (digest → size, so a blob several manifests
 * share counts once), following nested manifests of an index one level, and returns the newest
 * `buildkit/createdat` annotation among its descriptors.
 */
export async function collectBlobs(
  client: RegistryClient,
  repository: string,
  manifest: Manifest,
  blobs: Map<string, number>,
  options: CallOptions,
): Promise<Date | null> {
  let latest: Date | null = null;
  const visit = async (doc: Manifest, depth: number) => {
    for (const descriptor of descriptorsOf(doc)) {
      latest = newest(latest, parseCreatedAt(descriptor.annotations?.[CREATED_AT]));
      if (isImageIndex(doc) && isManifestMediaType(descriptor.mediaType) && depth < 2) {
        const child = await client.getManifest(repository, descriptor.digest, options);
        await visit(child.manifest, depth + 1);
      } else {
        blobs.set(descriptor.digest, descriptor.size);
      }
    }
  };
  await visit(manifest, 0);
  return latest;
}
