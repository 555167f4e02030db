import { RetryError, withRetry } from '@deployer/retry';
import { RegistryError } from '../errors.js';
import { type CallOptions, formatRef, type RegistryContext } from '../http/context.js';
import { isRetryableStatus } from '../http/retry-policy.js';
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
 *
 * The put and the delete are retried together, never the delete alone. distribution 2.8 deletes a manifest
 * in two steps: its revision, then the tags pointing at it, which it finds by reading every tag of the
 * repository. A tag written at that moment (a promotion beside a run tag's removal, another environment in
 * a shared repository) fails that read with a 500 after the revision is gone; the same DELETE again then
 * answers 404 and the tag stays listed, pointing at nothing. Putting the placeholder again restores the
 * revision, and its delete then finds the tag.
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
  const annotations = { 'io.deployer.untag': `${repository}:${tag}` };
  // The 500 above comes from a write at that very moment, over at once: a short first wait, not the
  // backoff meant for an overloaded registry (a run tag's removal is on the build's path).
  const { attempts, baseDelayMs, maxDelayMs } = ctx.http.retry;
  await withRetry(
    async () => {
      const placeholder = await putAnnotationManifest(ctx, repository, tag, annotations, call);
      await deleteManifest(ctx, repository, placeholder.digest, { ...call, once: true });
    },
    {
      attempts,
      baseDelayMs: Math.min(baseDelayMs, 25),
      maxDelayMs,
      ...(call.signal !== undefined && { signal: call.signal }),
      shouldRetry: isHalfDoneDelete,
    },
  ).catch((error: unknown) => {
    if (!(error instanceof RetryError && error.code === 'ABORTED')) throw error;
    // An abort while waiting for the next try is reported like an abort during a request.
    throw new RegistryError(`manifest.untag ${formatRef(ctx.host, repository, tag)}: aborted`, {
      code: 'ABORTED',
      operation: 'manifest.untag',
      ref: formatRef(ctx.host, repository, tag),
      cause: error.cause,
    });
  });
  return true;
}

/**
 * A failed delete that may have removed the placeholder's revision and not the tag: the registry failed
 * (5xx), the connection did, or the placeholder was already gone (another remover's delete half done).
 */
function isHalfDoneDelete(error: unknown): boolean {
  if (!(error instanceof RegistryError)) return false;
  if (error.code === 'CONNECTION' || error.code === 'TIMEOUT') return true;
  if (error.code === 'MANIFEST_UNKNOWN') return error.operation === 'manifest.delete';
  return error.status !== undefined && isRetryableStatus(error.status);
}
