import { createHash } from 'node:crypto';
import { parseImageReference } from '@deployer/cache-ref';
import { type Descriptor, MediaTypes, type RegistryClient } from '@deployer/registry';

function split(ref: string): { repository: string; tag: string } {
  const parsed = parseImageReference(ref);
  return { repository: parsed.repository, tag: parsed.tag ?? 'latest' };
}

/**
 * Pushes a small real image (config + one layer) under every given ref of one repository, one after
 * another; returns its digest. `created`: the config's build time (none by default).
 */
export async function pushImage(
  client: RegistryClient,
  refs: readonly string[],
  content: string,
  created?: Date,
): Promise<string> {
  const [first, ...rest] = refs.map(split);
  if (first === undefined) throw new Error('no refs');
  const layer = await client.uploadBlob(first.repository, Buffer.from(content));
  const config = await client.uploadBlob(
    first.repository,
    Buffer.from(
      JSON.stringify({
        ...(created !== undefined && { created: created.toISOString() }),
        architecture: 'amd64',
        os: 'linux',
        rootfs: { type: 'layers', diff_ids: [] },
      }),
    ),
  );
  const manifest = {
    schemaVersion: 2 as const,
    mediaType: MediaTypes.ociManifest,
    config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
    layers: [{ mediaType: MediaTypes.ociLayerGzip, digest: layer.digest, size: layer.size }],
  };
  const head = await client.putManifest(first.repository, first.tag, manifest);
  for (const other of rest) await client.putManifest(other.repository, other.tag, manifest);
  return head.digest;
}

/** Writes what BuildKit's registry cache export writes: an OCI index of layers annotated with createdat. */
export async function pushCache(
  client: RegistryClient,
  ref: string,
  createdAt: Date | null,
): Promise<string> {
  const { repository, tag } = split(ref);
  const layer = await client.uploadBlob(repository, Buffer.from(`cache layer for ${ref}`));
  const layerDescriptor: Descriptor = {
    mediaType: MediaTypes.ociLayerGzip,
    digest: layer.digest,
    size: layer.size,
    ...(createdAt !== null && { annotations: { 'buildkit/createdat': createdAt.toISOString() } }),
  };
  const cacheConfig = await client.uploadBlob(
    repository,
    Buffer.from(JSON.stringify({ layers: [{ blob: layer.digest, parent: -1 }], records: [] })),
  );
  const head = await client.putManifest(repository, tag, {
    schemaVersion: 2,
    mediaType: MediaTypes.ociIndex,
    manifests: [
      layerDescriptor,
      { mediaType: MediaTypes.buildkitCacheConfig, digest: cacheConfig.digest, size: cacheConfig.size },
    ],
  });
  return head.digest;
}

/**
 * Writes what `buildah build --layers --cache-to <repository>` writes: one ordinary image per cached step,
 * tagged with the step's 64-hex cache key, its config recording `created`; the steps share their first
 * layer. Returns the tags.
 */
export async function pushBuildahCache(
  client: RegistryClient,
  repositoryRef: string,
  created: readonly (Date | null)[],
): Promise<string[]> {
  const { repository } = parseImageReference(repositoryRef);
  const base = await client.uploadBlob(repository, Buffer.from(`base layer of ${repositoryRef}`));
  const tags: string[] = [];
  for (const [step, time] of created.entries()) {
    const layer = await client.uploadBlob(repository, Buffer.from(`step ${step} of ${repositoryRef}`));
    const config = await client.uploadBlob(
      repository,
      Buffer.from(
        JSON.stringify({
          ...(time !== null && { created: time.toISOString() }),
          architecture: 'amd64',
          os: 'linux',
          rootfs: { type: 'layers', diff_ids: [] },
        }),
      ),
    );
    const tag = createHash('sha256').update(`${repositoryRef} step ${step}`).digest('hex');
    await client.putManifest(repository, tag, {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers: [base, layer].map((blob) => ({
        mediaType: MediaTypes.ociLayerGzip,
        digest: blob.digest,
        size: blob.size,
      })),
    });
    tags.push(tag);
  }
  return tags;
}

/** Every repository of the registry's catalog with its sorted tags (empty once all are deleted). */
export async function snapshotRegistry(client: RegistryClient): Promise<Record<string, string[]>> {
  const snapshot: Record<string, string[]> = {};
  for (const repository of await client.listCatalog()) {
    snapshot[repository] = (await client.listTags(repository)).sort();
  }
  return snapshot;
}
