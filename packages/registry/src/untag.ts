import type { RegistryClient } from './client.js';
import type { CallOptions } from './context.js';
import { emptyImageConfig } from './empty-config.js';
import { MediaTypes } from './media-types.js';

/**
 * Removes one tag and nothing else. The Distribution API deletes manifests, not tags, and deleting a
 * manifest removes every tag that points at it; so the tag is first pointed at a placeholder manifest
 * unique to it, and that placeholder is deleted. Other tags of the same image stay. Returns false when the
 * tag did not exist.
 */
export async function untag(
  client: RegistryClient,
  repository: string,
  tag: string,
  options: CallOptions = {},
): Promise<boolean> {
  if ((await client.headManifest(repository, tag, options)) === undefined) return false;
  const config = await client.uploadBlob(repository, emptyImageConfig, options);
  const placeholder = await client.putManifest(
    repository,
    tag,
    {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers: [],
      // Unique per tag, so the placeholder never shares a digest with a real image or another tag's.
      annotations: { 'io.deployer.untag': `${repository}:${tag}` },
    },
    options,
  );
  await client.deleteManifest(repository, placeholder.digest, options);
  return true;
}
