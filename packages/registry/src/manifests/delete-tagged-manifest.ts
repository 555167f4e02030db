import { isRegistryError } from '../errors.js';
import type { CallOptions, RegistryContext } from '../http/context.js';
import { deleteManifest } from './manifests.js';
import { untag } from './untag.js';

/**
 * Deletes the manifest `digest` that `tags` point at, and leaves those tags gone. distribution 2.8 can
 * leave a manifest delete half done (see untag.ts): the manifest gone, its tags still listed, and the
 * retried DELETE answering 404. So a 404 is finished by untagging `tags`; for a manifest another remover
 * deleted first, that untag changes nothing.
 */
export async function deleteTaggedManifest(
  ctx: RegistryContext,
  repository: string,
  digest: string,
  tags: readonly string[],
  options: CallOptions = {},
): Promise<void> {
  try {
    await deleteManifest(ctx, repository, digest, options);
  } catch (error) {
    if (!isRegistryError(error, 'MANIFEST_UNKNOWN')) throw error;
    for (const tag of tags) await untag(ctx, repository, tag, { ...options, exists: true });
  }
}
