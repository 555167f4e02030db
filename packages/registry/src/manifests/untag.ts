import type { CallOptions, RegistryContext } from '../http/context.js';
import { putAnnotationManifest } from './annotation-manifest.js';
import { deleteManifest, headManifest } from './manifests.js';

export interface UntagOptions extends CallOptions {
  /**
   * The caller saw the tag a moment ago and nothing else writes it (a run's own export tag): skip the
   * check, one round trip fewer. Should it be gone after all, the placeholder's put and delete leave it
   * gone, and the answer is true.
   */
  exists?: boolean;
}

/**
 * Removes one tag and nothing else. The Distribution API deletes manifests, not tags, and deleting a
 * manifest removes every tag that points at it; so the tag is first pointed at a placeholder manifest
 * unique to it, and that placeholder is deleted. Other tags of the same image stay. Returns false when the
 * tag did not exist.
 */
export async function untag(
  ctx: RegistryContext,
  repository: string,
  tag: string,
  options: UntagOptions = {},
): Promise<boolean> {
  const { exists, ...call } = options;
  if (exists !== true && (await headManifest(ctx, repository, tag, call)) === undefined) return false;
  // Unique per tag, so the placeholder never shares a digest with a real image or another tag's.
  const placeholder = await putAnnotationManifest(
    ctx,
    repository,
    tag,
    { 'io.deployer.untag': `${repository}:${tag}` },
    call,
  );
  await deleteManifest(ctx, repository, placeholder.digest, call);
  return true;
}
