import type { BuildUuid, ImageRegistry } from '@deployer/contracts';
import { imageRepository } from '../plan/image-refs.js';
import { type Ownership, parseOwnershipTag } from '../plan/ownership-tag.js';
import type { Environment } from '../spec/load-environment.js';
import { applyImageRemovals, planImageRemovals } from './image-removal.js';

/** One image tag `cache gc` judged: an ownership tag of an environment that is gone, or a content tag. */
export interface ImageGcEntry {
  service: string;
  /** `host/repository:tag`. */
  ref: string;
  /** The environment an ownership tag names; null for a content tag. */
  buildUuid: BuildUuid | null;
  digest: string;
  /** The image's config `created` (of an index, its newest image's); null when it says none. */
  createdAt: Date | null;
  /**
   * `delete`: (would be) deleted with its image; `untag`: an ownership tag that goes alone, as other tags
   * still use its image; `keep`; `absent`: gone meanwhile.
   */
  action: 'delete' | 'untag' | 'keep' | 'absent';
  reason: string;
  deleted: boolean;
}

export interface CollectImagesOptions {
  registry: ImageRegistry;
  /** Environments whose ownership tags are never judged: fallbacks, and under `serve` every live one. */
  protectedUuids: ReadonlySet<BuildUuid>;
  cutoff: Date;
  dryRun: boolean;
  services?: readonly string[];
  request: { signal: AbortSignal } | undefined;
}

/**
 * `cache gc` of images: the ownership tags of environments that are neither protected (a fallback; under
 * `serve`, a live environment) go when their image was built before the cutoff (its config's `created`:
 * the registry keeps no push time), each image deleted with them when no other tag points at it, taking the
 * content tags only they used (image-removal.ts). Kept: an image an environment's own `<uuid>` tag still
 * points at (its current image: only `down` removes that), images of unknown age, and every image with no
 * ownership tag of such an environment, images built before ownership tags included. Only ownership tags
 * of unprotected environments are listed (a fallback's whole history is not).
 */
export async function collectImages(
  environment: Environment,
  options: CollectImagesOptions,
): Promise<ImageGcEntry[]> {
  const { registry, request } = options;
  const entries: ImageGcEntry[] = [];
  for (const service of environment.services) {
    if (options.services !== undefined && !options.services.includes(service.name)) continue;
    const repository = imageRepository(environment.registry, service.name);
    const candidates = (await registry.listTags(repository, request)).filter((tag) => {
      const owner = parseOwnershipTag(tag);
      return owner !== null && !options.protectedUuids.has(owner.buildUuid);
    });
    if (candidates.length === 0) continue;
    const current = new Map<string, string>();
    for (const { tag, digest } of await registry.listTagDigests(repository, request))
      current.set(tag, digest);

    const ages = await imageAges(
      registry,
      repository,
      candidates.map((tag) => current.get(tag)),
      request,
    );
    const createdAt = (digest: string) => ages.get(digest) ?? null;
    const kept: ImageGcEntry[] = [];
    const collected: string[] = [];
    for (const tag of candidates.sort()) {
      const digest = current.get(tag);
      if (digest === undefined) continue; // gone since the listing
      const owner = parseOwnershipTag(tag) as Ownership;
      const age = createdAt(digest);
      const keep = whyKeep(owner, digest, age, current, options.cutoff);
      const entry = { service: service.name, ref: `${repository}:${tag}`, digest, createdAt: age };
      if (keep === null) collected.push(tag);
      else kept.push({ ...entry, buildUuid: owner.buildUuid, action: 'keep', reason: keep, deleted: false });
    }
    const plan = planImageRemovals(current, collected);
    if (!options.dryRun && plan.removals.length > 0) {
      await applyImageRemovals(registry, repository, plan, request);
    }
    for (const decision of plan.decisions) {
      const age = createdAt(decision.digest);
      entries.push({
        service: service.name,
        ref: `${repository}:${decision.tag}`,
        buildUuid: decision.role === 'own' ? parseOwnershipTag(decision.tag)!.buildUuid : null,
        digest: decision.digest,
        createdAt: age,
        action: decision.action,
        reason:
          decision.role === 'own' && age !== null
            ? `created ${age.toISOString()}, before ${options.cutoff.toISOString()}; ${decision.reason}`
            : decision.reason,
        deleted: decision.deleted,
      });
    }
    entries.push(...kept);
  }
  return entries;
}

/** Image `created` reads in flight at once. */
const ageConcurrency = 8;

/** Each distinct image's `created`, a few read at once. */
async function imageAges(
  registry: ImageRegistry,
  repository: string,
  digests: readonly (string | undefined)[],
  request: { signal: AbortSignal } | undefined,
): Promise<Map<string, Date | null>> {
  const pending = [...new Set(digests.filter((digest) => digest !== undefined))];
  const ages = new Map<string, Date | null>();
  const worker = async (): Promise<void> => {
    for (let digest = pending.pop(); digest !== undefined; digest = pending.pop()) {
      ages.set(digest, await registry.imageCreatedAt(`${repository}@${digest}`, request));
    }
  };
  await Promise.all(Array.from({ length: ageConcurrency }, worker));
  return ages;
}

function whyKeep(
  owner: Ownership,
  digest: string,
  createdAt: Date | null,
  current: ReadonlyMap<string, string>,
  cutoff: Date,
): string | null {
  if (current.get(owner.buildUuid) === digest) {
    return `the current image of ${owner.buildUuid} (its ${owner.buildUuid} tag): only down removes it`;
  }
  if (createdAt === null) return 'image created time unknown';
  if (createdAt.getTime() >= cutoff.getTime()) return `created ${createdAt.toISOString()}`;
  return null;
}
