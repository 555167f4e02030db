import type { BuildUuid, ImageRegistry } from '@deployer/contracts';
import { imageRef, imageRepository } from '../plan/image-refs.js';
import { parseOwnershipTag } from '../plan/ownership-tag.js';
import type { Environment } from '../spec/load-environment.js';
import { applyImageRemovals, planImageRemovals } from './image-removal.js';

/** One of `down`'s actions on an image tag (a `DownAction` of kind `image`). */
export interface ImageDownAction {
  kind: 'image';
  service: string;
  ref: string;
  action: 'delete' | 'untag' | 'keep' | 'absent';
  digest: string | null;
  reason?: string;
  deleted: boolean;
}

/**
 * The environment's image tags of one service as `down` removes them (image-removal.ts): its environment
 * tag `<uuid>` and every ownership tag `<uuid>.<content>` its builds wrote go; each image they point at is
 * deleted when no other tag points at it, taking the content tags only this environment used; a content tag
 * any other tag shares its image with stays. An image this environment has no ownership tag of (built
 * before ownership tags, or a fallback's older image it skipped onto) only loses the environment tag.
 * Nothing there: one `absent` action naming the environment tag.
 */
export async function removeEnvironmentImages(
  registry: ImageRegistry,
  environment: Environment,
  service: string,
  buildUuid: BuildUuid,
  options: { dryRun: boolean; request: { signal: AbortSignal } | undefined },
): Promise<ImageDownAction[]> {
  const { dryRun, request } = options;
  const repository = imageRepository(environment.registry, service);
  const isOwn = (tag: string) => tag === buildUuid || parseOwnershipTag(tag)?.buildUuid === buildUuid;
  // The names alone say whether there is anything to do: the repository is resolved only then.
  const own = (await registry.listTags(repository, request)).filter(isOwn);
  const current = new Map<string, string>();
  if (own.length > 0) {
    for (const { tag, digest } of await registry.listTagDigests(repository, request)) {
      current.set(tag, digest);
    }
  }
  // The environment tag first, then the ownership tags in tag order.
  const ordered = [...own].sort((a, b) => (a === buildUuid ? -1 : b === buildUuid ? 1 : a < b ? -1 : 1));
  const plan = planImageRemovals(current, ordered);
  if (plan.decisions.length === 0) {
    const ref = imageRef(environment.registry, service, buildUuid);
    return [{ kind: 'image', service, ref, digest: null, action: 'absent', deleted: false }];
  }
  if (!dryRun) await applyImageRemovals(registry, repository, plan, request);
  return plan.decisions.map(({ tag, digest, action, reason, deleted }) => ({
    kind: 'image',
    service,
    ref: `${repository}:${tag}`,
    digest,
    action,
    reason,
    deleted,
  }));
}
