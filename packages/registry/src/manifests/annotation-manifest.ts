import { uploadBlob } from '../blobs/blobs.js';
import { sha256Digest } from '../blobs/digest.js';
import { isRegistryError } from '../errors.js';
import type { CallOptions, RegistryContext } from '../http/context.js';
import { type ManifestHead, putManifest } from './manifests.js';
import { MediaTypes } from './media-types.js';

/** An empty image config: the one blob a manifest that carries no image needs. Uploaded once per repository. */
const emptyImageConfig = new TextEncoder().encode(
  '{"architecture":"unknown","os":"unknown","rootfs":{"type":"layers","diff_ids":[]}}',
);
const emptyImageConfigDescriptor = {
  mediaType: MediaTypes.ociConfig,
  digest: sha256Digest(emptyImageConfig),
  size: emptyImageConfig.byteLength,
};

/**
 * Puts a manifest that carries only annotations (no layers) at `tag`: untag's placeholder, a record such
 * as a lease. The annotations make its digest unique to what it records.
 *
 * One request where the repository holds the empty config already (every lease claim and untag after the
 * first): the manifest goes first, and only a registry that answers it does not know the config blob gets
 * the blob uploaded and the manifest again. A registry that takes the manifest without checking its blobs
 * loses nothing: such a manifest is only ever read for its annotations, or deleted.
 */
export async function putAnnotationManifest(
  ctx: RegistryContext,
  repository: string,
  tag: string,
  annotations: Record<string, string>,
  options: CallOptions = {},
): Promise<ManifestHead> {
  const put = () =>
    putManifest(ctx, repository, tag, annotationManifestBytes(annotations), putOptions(options));
  try {
    return await put();
  } catch (error) {
    if (!isRegistryError(error, 'MANIFEST_BLOB_UNKNOWN') && !isRegistryError(error, 'BLOB_UNKNOWN'))
      throw error;
  }
  // The registry just said the repository lacks the empty config: no need to ask again before uploading.
  await uploadBlob(ctx, repository, emptyImageConfig, { ...options, knownAbsent: true });
  return put();
}

const putOptions = (options: CallOptions) => ({ ...options, mediaType: MediaTypes.ociManifest });

/** The exact bytes putAnnotationManifest stores for `annotations` (the same annotations, the same bytes). */
function annotationManifestBytes(annotations: Record<string, string>): Uint8Array {
  const manifest = {
    schemaVersion: 2,
    mediaType: MediaTypes.ociManifest,
    config: emptyImageConfigDescriptor,
    layers: [],
    annotations,
  };
  return new TextEncoder().encode(JSON.stringify(manifest));
}

/**
 * The digest putAnnotationManifest's manifest for `annotations` has, known without asking the registry:
 * a record can be deleted by the digest its writer knows it wrote, in one request.
 */
export function annotationManifestDigest(annotations: Record<string, string>): string {
  return sha256Digest(annotationManifestBytes(annotations));
}
