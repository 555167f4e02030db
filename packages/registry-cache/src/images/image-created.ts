import {
  type CallOptions,
  isImageIndex,
  isManifestMediaType,
  isRegistryError,
  type Manifest,
  type RegistryClient,
} from '@deployer/registry';
import { newest, parseCreatedAt } from '../inventory/cache-measure.js';

const isGone = (error: unknown) =>
  isRegistryError(error, 'MANIFEST_UNKNOWN') ||
  isRegistryError(error, 'NAME_UNKNOWN') ||
  isRegistryError(error, 'BLOB_UNKNOWN');

/** At most this many images of an index are read for their `created` (platforms and attestations). */
const indexImageLimit = 16;

/**
 * When an image was built: its config's `created` (what the engine wrote at build time; the registry keeps
 * no push time). Of an index (several platforms, attestations), the newest among its images' configs; an
 * attestation's config carries none. Null when the image, a manifest or a config is gone, or no time parses.
 */
export async function imageCreatedAt(
  client: RegistryClient,
  repository: string,
  reference: string,
  options: CallOptions = {},
): Promise<Date | null> {
  let manifest: Manifest;
  try {
    manifest = (await client.getManifest(repository, reference, options)).manifest;
  } catch (error) {
    if (isGone(error)) return null;
    throw error;
  }
  if (!isImageIndex(manifest)) return configCreated(client, repository, manifest.config.digest, options);
  let created: Date | null = null;
  const images = manifest.manifests.filter((child) => isManifestMediaType(child.mediaType));
  for (const child of images.slice(0, indexImageLimit)) {
    created = newest(created, await imageCreatedAt(client, repository, child.digest, options));
  }
  return created;
}

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
