import type { BuildUuid, RegistryPort } from '@deployer/contracts';
import { imageAtDigest } from '../plan/image-refs.js';
import type { ServicePlan } from '../plan/plan-environment.js';
import { followSkippedCache, ownersOf } from './follow-skipped-cache.js';
import type { ServiceResult } from './report.js';
import type { RunContext } from './run-context.js';
import { baseResult, cancelledResult } from './service-result.js';

/**
 * A service whose image exists: never built; where the registry can tag, the image gets the environment's
 * tags, by the digest the plan found (not by its content tag, which a teardown may be deleting):
 *
 * - its ownership tag first, before the environment tag, so that a `down` or `cache gc` deciding to delete
 *   this image sees a new tag on it (it lists the repository again right before deleting) and keeps it;
 *   only when some environment recorded the content as its own already. An image nobody recorded (built
 *   before ownership tags existed, e.g. a fallback's older image) gets none: cleanup leaves such images
 *   alone, and this environment's `down` must not be the one to delete it;
 * - then the environment tag.
 *
 * Then whether the image is still there: a teardown of the last environment using it may have deleted it
 * since the plan saw it, and this environment would then name an image that is gone. That is a failure
 * (cause `registry`) the next run repairs by building it, not a skip.
 *
 * Last, the environment's own cache ref follows the skip (follow-skipped-cache.ts): the image was built by
 * another environment, whose cache the next build of this one (and environments warmed from it) should find.
 */
export async function skipService(
  service: ServicePlan,
  context: RunContext,
  elapsed: () => number,
): Promise<ServiceResult> {
  const registry = context.registry;
  const skipped: ServiceResult = {
    ...baseResult(service),
    status: 'skipped',
    reason: service.reason,
    images: [service.image],
    digest: service.existingDigest,
  };
  if (registry === undefined) return { ...skipped, durationMs: elapsed() };
  const withRefresh = (result: ServiceResult, owners: readonly BuildUuid[] | null) =>
    refreshed(result, service, { ...context, registry }, owners, elapsed);
  if (registry.tagImage === undefined) return withRefresh(skipped, null);
  const call = { signal: context.cancel };
  const source =
    service.existingDigest === null ? service.image : imageAtDigest(service.image, service.existingDigest);
  const tagged: string[] = [];
  let tagError: unknown;
  // Who recorded this content: decides the ownership tag, then whose cache the own ref follows.
  let owners: BuildUuid[] | null = null;
  try {
    if (service.ownershipImage !== null) owners = await ownersOf(registry, service, call.signal);
    if (service.ownershipImage !== null && owners !== null && owners.length > 0) {
      await registry.tagImage(source, service.ownershipImage, call);
      tagged.push(service.ownershipImage);
    }
    await registry.tagImage(source, service.environmentImage, call);
    tagged.push(service.environmentImage);
  } catch (error) {
    tagError = error;
  }
  const images = [service.image, ...tagged.reverse()];
  // A tag the registry refused with 404 names a manifest that is gone: that alone answers the question, and
  // the check below may not get to ask (the run is cancelled once another service failed).
  let gone = (tagError as { status?: unknown } | undefined)?.status === 404;
  let unconfirmed = false;
  if (!gone) {
    try {
      gone = (await registry.imageDigest(service.image, call)) === null;
    } catch {
      // Not answered: when tagging worked the image was there a moment ago; when it failed too, nothing
      // says the image is still there, so the skip cannot stand.
      unconfirmed = tagError !== undefined;
    }
  }
  if (gone || unconfirmed) {
    const message = tagError instanceof Error ? tagError.message : String(tagError);
    return {
      ...baseResult(service),
      reason: gone
        ? `image ${service.image} was deleted after the plan found it (a teardown of the last environment using it): the next run builds it`
        : `image ${service.image} could not be tagged (${message}) nor found again: the next run checks it again`,
      failure: { cause: 'registry' },
      images,
      durationMs: elapsed(),
    };
  }
  if (tagError !== undefined) {
    const untagged = [service.ownershipImage, service.environmentImage].filter(
      (ref): ref is string => ref !== null && !tagged.includes(ref),
    );
    const message = tagError instanceof Error ? tagError.message : String(tagError);
    context.emit(service.service, {
      type: 'warning',
      message: `could not tag ${untagged.join(' and ')}: ${message}`,
    });
  }
  return withRefresh({ ...skipped, images }, owners);
}

/** The skipped result with its cache refresh; cancelled when the run is aborted meanwhile. */
async function refreshed(
  result: ServiceResult,
  service: ServicePlan,
  context: RunContext & { registry: RegistryPort },
  owners: readonly BuildUuid[] | null,
  elapsed: () => number,
): Promise<ServiceResult> {
  try {
    const cacheRefresh = await followSkippedCache(service, context, owners);
    return { ...result, cacheRefresh, durationMs: elapsed() };
  } catch (error) {
    // followSkippedCache throws only once the run is aborted; anything else still leaves the skip standing.
    if (!context.cancel.aborted) {
      const message = error instanceof Error ? error.message : String(error);
      return {
        ...result,
        cacheRefresh: { status: 'none', from: null, reason: message },
        durationMs: elapsed(),
      };
    }
    const reason = `cancelled: ${(context.cancel.reason as Error | undefined)?.message ?? 'the run was aborted'}`;
    return cancelledResult(service, reason, elapsed());
  }
}
