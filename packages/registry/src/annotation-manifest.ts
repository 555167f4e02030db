import type { RegistryClient } from './client.js';
import type { CallOptions } from './context.js';
import type { ManifestHead } from './manifests.js';
import { MediaTypes } from './media-types.js';

/** An empty image config: the one blob a manifest that carries no image needs. Uploaded once per repository. */
const emptyImageConfig = new TextEncoder().encode(
  '{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}',
);

/**
 * Puts a manifest that carries only annotations (no layers) at `tag`: untag's placeholder, a lease. The
 * annotations make its digest unique to what it records.
 */
export async function putAnnotationManifest(
  client: RegistryClient,
  repository: string,
  tag: string,
  annotations: Record<string, string>,
  options: CallOptions = {},
): Promise<ManifestHead> {
  const config = await client.uploadBlob(repository, emptyImageConfig, options);
  return client.putManifest(
    repository,
    tag,
    {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers: [],
      annotations,
    },
    options,
  );
}
