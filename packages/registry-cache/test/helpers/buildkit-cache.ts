import { randomBytes } from 'node:crypto';
import { type Descriptor, type ImageIndex, MediaTypes, type RegistryClient } from '@deployer/registry';

export interface CacheExportInput {
  repository: string;
  tag: string;
  /** One layer per entry; `createdAt` becomes its `buildkit/createdat` annotation when given. */
  layers: { size: number; createdAt?: string }[];
  /** Re-list a layer already in the index (sizes must be counted once). */
  duplicateFirstLayer?: boolean;
}

export interface CacheExport {
  digest: string;
  /** Distinct blob bytes the index references. */
  blobBytes: number;
  index: ImageIndex;
}

/**
 * Writes what BuildKit's registry cache exporter writes with mode=max,oci-mediatypes=true: layer blobs,
 * a cache-config blob, and an OCI index listing them, layers annotated with `buildkit/createdat`.
 */
export async function exportBuildkitCache(
  client: RegistryClient,
  input: CacheExportInput,
): Promise<CacheExport> {
  const descriptors: Descriptor[] = [];
  for (const layer of input.layers) {
    const blob = await client.uploadBlob(input.repository, randomBytes(layer.size));
    descriptors.push({
      mediaType: MediaTypes.ociLayerGzip,
      digest: blob.digest,
      size: blob.size,
      annotations: {
        ...(layer.createdAt ? { 'buildkit/createdat': layer.createdAt } : {}),
        'containerd.io/uncompressed': `sha256:${randomBytes(32).toString('hex')}`,
      },
    });
  }
  const cacheConfig = Buffer.from(
    JSON.stringify({ layers: descriptors.map((d, i) => ({ blob: d.digest, parent: i - 1 })), records: [] }),
  );
  const config = await client.uploadBlob(input.repository, cacheConfig);
  const manifests = [...descriptors];
  if (input.duplicateFirstLayer && descriptors[0]) manifests.push(descriptors[0]);
  manifests.push({ mediaType: MediaTypes.buildkitCacheConfig, digest: config.digest, size: config.size });
  const index: ImageIndex = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests };
  const put = await client.putManifest(input.repository, input.tag, index);
  const blobBytes = descriptors.reduce((sum, d) => sum + d.size, 0) + config.size;
  return { digest: put.digest, blobBytes, index };
}
