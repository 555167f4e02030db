import { uploadBlob } from '../blobs/blobs.js';
import type { CallOptions, RegistryContext } from '../http/context.js';
import { type ManifestHead, putManifest } from './manifests.js';
import { MediaTypes } from './media-types.js';

/** An empty image config: the one blob a manifest that carries no image needs. Uploaded once per repository. */
const emptyImageConfig = new TextEncoder().encode(
  '{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}',
);

/**
 * Puts a manifest that carries only annotations (no layers) at `tag`: untag's placeholder, a record such
 * as a lease. The annotations make its digest unique to what it records.
 */
export async function putAnnotationManifest(
  ctx: RegistryContext,
  repository: string,
  tag: string,
  annotations: Record<string, string>,
  options: CallOptions = {},
): Promise<ManifestHead> {
  const config = await uploadBlob(ctx, repository, emptyImageConfig, options);
  return putManifest(
    ctx,
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
