import { headBlob, mountBlob } from '../blobs/blobs.js';
import { RegistryError } from '../errors.js';
import type { CallOptions, RegistryContext } from '../http/context.js';
import { formatRef } from '../http/context.js';
import { getManifest, type ManifestHead, putManifest } from './manifests.js';
import { isManifestMediaType } from './media-types.js';
import { isImageIndex, type Manifest } from './types.js';

export interface CopyManifestInput extends CallOptions {
  repository: string;
  /** Tag or digest to copy from. */
  reference: string;
  /** Tag (or digest) to write. */
  toReference: string;
  /** Target repository on the same registry; default: the source repository. */
  toRepository?: string;
}

async function ensureBlob(
  ctx: RegistryContext,
  from: string,
  to: string,
  digest: string,
  options: CallOptions,
) {
  if ((await headBlob(ctx, to, digest, options)) !== undefined) return;
  if (!(await mountBlob(ctx, to, digest, from, options))) {
    throw new RegistryError(`manifest.copy: could not mount ${digest} from ${from} into ${to}`, {
      code: 'BLOB_UNKNOWN',
      operation: 'manifest.copy',
      ref: formatRef(ctx.host, to, digest),
    });
  }
}

async function ensureReferenced(
  ctx: RegistryContext,
  from: string,
  to: string,
  manifest: Manifest,
  options: CallOptions,
): Promise<void> {
  if (isImageIndex(manifest)) {
    for (const child of manifest.manifests) {
      if (isManifestMediaType(child.mediaType)) {
        await copyManifest(ctx, {
          ...options,
          repository: from,
          reference: child.digest,
          toRepository: to,
          toReference: child.digest,
        });
      } else {
        // BuildKit's cache index lists layer and cache-config blobs directly.
        await ensureBlob(ctx, from, to, child.digest, options);
      }
    }
    return;
  }
  for (const blob of [manifest.config, ...manifest.layers])
    await ensureBlob(ctx, from, to, blob.digest, options);
}

/**
 * Promotes a manifest: writes the exact source bytes under another tag, so the digest stays the same.
 * Across repositories, referenced blobs are mounted (not downloaded) and child manifests copied first.
 */
export async function copyManifest(ctx: RegistryContext, input: CopyManifestInput): Promise<ManifestHead> {
  const options = { signal: input.signal };
  const toRepository = input.toRepository ?? input.repository;
  const source = await getManifest(ctx, input.repository, input.reference, options);
  if (toRepository !== input.repository) {
    await ensureReferenced(ctx, input.repository, toRepository, source.manifest, options);
  }
  return putManifest(ctx, toRepository, input.toReference, source.bytes, {
    ...options,
    mediaType: source.mediaType,
  });
}
