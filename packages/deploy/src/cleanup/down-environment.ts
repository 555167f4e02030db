import { isBuildahCacheTag } from '@deployer/cache-ref';
import type { CacheRegistry, ImageRegistry } from '@deployer/contracts';
import { environmentCacheRefs, environmentCacheRepository } from '../cache/environment-caches.js';
import { environmentRunExports } from '../cache/environment-run-exports.js';
import { imageRef, imageRepository, isContentTag } from '../plan/image-refs.js';
import type { Environment } from '../spec/load-environment.js';
import { validateBuildUuid } from '../uuid/build-uuid.js';
import { whyKeepCacheRef } from './cache-deletion.js';

export interface DownOptions {
  registry: ImageRegistry & CacheRegistry;
  buildUuid: string;
  /** Report what would be deleted, delete nothing. */
  dryRun?: boolean;
  services?: readonly string[];
  signal?: AbortSignal;
}

export interface DownAction {
  kind: 'cache' | 'image';
  service: string;
  /** An image or BuildKit cache ref; for the buildah cache repository, `host/repository` (see `tags`). */
  ref: string;
  /**
   * `delete`: (would be) deleted; `untag`: an image other tags still use, or a run export tag (which may
   * share its manifest with `:cache`), loses only this tag; `keep`: a cache name holding no cache (an
   * image), left alone; `absent`: nothing there.
   */
  action: 'delete' | 'untag' | 'keep' | 'absent';
  digest: string | null;
  reason?: string;
  /** The buildah cache repository's tags that are (or would be) deleted. */
  tags?: string[];
  deleted: boolean;
}

export interface DownResult {
  buildUuid: string;
  dryRun: boolean;
  actions: DownAction[];
}

/**
 * Removes one environment (`deployer down`): its BuildKit cache refs and the run export tags its runs left
 * beside them (untagged one by one), every tag of its buildah cache repository, and its image tags. An environment's image is deleted when no other non-content tag (another
 * environment, a git sha, `latest`) points at it, its content tag going with it (the next environment with
 * that content builds it again); an image other tags still use loses only this environment's tag.
 */
export async function downEnvironment(environment: Environment, options: DownOptions): Promise<DownResult> {
  const buildUuid = validateBuildUuid(options.buildUuid, 'build uuid');
  const dryRun = options.dryRun ?? false;
  const request = options.signal === undefined ? undefined : { signal: options.signal };
  const actions: DownAction[] = [];
  // Cache refs go together at the end, judged by digest: one pass over each cache repository's tags.
  const cacheDeletions: DownAction[] = [];
  const remove = async (action: Omit<DownAction, 'deleted'>): Promise<void> => {
    const deleted =
      !dryRun &&
      (action.action === 'delete'
        ? await options.registry.deleteTag(action.ref, request)
        : action.action === 'untag' && (await options.registry.untag(action.ref, request)));
    actions.push({ ...action, deleted });
  };

  for (const service of environment.services) {
    if (options.services !== undefined && !options.services.includes(service.name)) continue;
    const cacheRefs = environmentCacheRefs(environment, service.name, buildUuid);
    for (const ref of cacheRefs) {
      const found = await options.registry.inspectCacheRef(ref, request);
      const keep = found === null ? null : whyKeepCacheRef({ ref, ...found });
      const action: DownAction = {
        kind: 'cache',
        service: service.name,
        ref,
        digest: found?.digest ?? null,
        action: found === null ? 'absent' : keep === null ? 'delete' : 'keep',
        ...(keep !== null && { reason: keep }),
        deleted: false,
      };
      actions.push(action);
      if (action.action === 'delete') cacheDeletions.push(action);
    }
    // Untagged, never deleted by digest: a promoted run tag shares its manifest with `:cache`, and one
    // exported from a fallback's cache unchanged with that fallback's ref.
    const runExports = await environmentRunExports(
      options.registry,
      environment,
      service.name,
      buildUuid,
      request,
    );
    const runTags = new Set(runExports.map(({ ref }) => ref));
    for (const { ref, startedAt } of runExports) {
      const found = await options.registry.inspectCacheRef(ref, request);
      if (found === null) continue; // its run removed it since
      const keep = whyKeepCacheRef({ ref, ...found }, runTags);
      await remove({
        kind: 'cache',
        service: service.name,
        ref,
        digest: found.digest,
        action: keep === null ? 'untag' : 'keep',
        reason: keep ?? `run export tag of a run started ${startedAt.toISOString()}: only this tag goes`,
      });
    }
    const cacheRepositoryRef = environmentCacheRepository(environment, service.name, buildUuid);
    if (cacheRepositoryRef !== null) {
      actions.push(
        await emptyCacheRepository(options.registry, service.name, cacheRepositoryRef, dryRun, request),
      );
    }

    const ref = imageRef(environment.registry, service.name, buildUuid);
    const digest = await options.registry.imageDigest(ref, request);
    if (digest === null) {
      actions.push({ kind: 'image', service: service.name, ref, digest, action: 'absent', deleted: false });
      continue;
    }
    const repository = imageRepository(environment.registry, service.name);
    const sharers: string[] = [];
    for (const tag of await options.registry.listTags(repository, request)) {
      if (tag === buildUuid || isContentTag(tag)) continue;
      if ((await options.registry.imageDigest(`${repository}:${tag}`, request)) === digest) sharers.push(tag);
    }
    await remove(
      sharers.length > 0
        ? {
            kind: 'image',
            service: service.name,
            ref,
            digest,
            action: 'untag',
            reason: `image shared with tags ${sharers.join(', ')}: only this tag goes`,
          }
        : { kind: 'image', service: service.name, ref, digest, action: 'delete' },
    );
  }
  if (!dryRun && cacheDeletions.length > 0) {
    const removed = new Set(
      await options.registry.removeCacheRefs(
        cacheDeletions.map((action) => ({ ref: action.ref, digest: action.digest! })),
        request,
      ),
    );
    for (const action of cacheDeletions) action.deleted = removed.has(action.ref);
  }
  return { buildUuid, dryRun, actions };
}

/**
 * The environment's buildah cache repository is its own (`…/<service>/<uuid>`, never a prefix match), so
 * its buildah cache tags (64-hex cache keys) go; any other tag there is no buildah cache and stays.
 * BuildKit's ref in the same repository is judged on its own, by its manifest.
 */
async function emptyCacheRepository(
  registry: ImageRegistry & CacheRegistry,
  service: string,
  repository: string,
  dryRun: boolean,
  request: { signal: AbortSignal } | undefined,
): Promise<DownAction> {
  const listed = (await registry.listTags(repository, request)).filter(isBuildahCacheTag);
  const action = { kind: 'cache', service, ref: repository, digest: null } as const;
  if (listed.length === 0) return { ...action, action: 'absent', tags: [], deleted: false };
  const tags = dryRun
    ? listed
    : await registry.deleteRepositoryTags(repository, { ...request, tags: listed });
  return {
    ...action,
    action: 'delete',
    reason: `buildah cache repository, ${tags.length} ${tags.length === 1 ? 'tag' : 'tags'}`,
    tags,
    deleted: !dryRun && tags.length > 0,
  };
}
