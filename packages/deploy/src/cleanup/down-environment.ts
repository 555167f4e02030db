import { isBuildahCacheTag } from '@deployer/cache-ref';
import type { BuildUuid, CacheRegistry, ImageRegistry, LeaseRegistry } from '@deployer/contracts';
import { environmentCacheRefs, environmentCacheRepository } from '../cache/environment-caches.js';
import { environmentRunExports } from '../cache/environment-run-exports.js';
import type { Environment } from '../spec/load-environment.js';
import { whyKeepCacheRef } from './cache-deletion.js';
import { removeEnvironmentImages } from './down-images.js';
import { removeEnvironmentLeases } from './down-leases.js';

export interface DownOptions {
  registry: ImageRegistry & CacheRegistry & LeaseRegistry;
  /** Validated where it came in (`--uuid`, the server's database): not checked again here. */
  buildUuid: BuildUuid;
  /** Report what would be deleted, delete nothing. */
  dryRun?: boolean;
  services?: readonly string[];
  signal?: AbortSignal;
}

export interface DownAction {
  /** `lease`: a lease tag a run left on the environment's cache (listed only when there). */
  kind: 'cache' | 'image' | 'lease';
  service: string;
  /**
   * An image, BuildKit cache or lease ref; for the buildah cache repository, `host/repository` (see `tags`).
   */
  ref: string;
  /**
   * `delete`: (would be) deleted; `untag`: a tag of an image other tags still use, or a run export tag
   * (which may share its manifest with `:cache`), goes alone; `keep`: a cache name holding no cache (an
   * image), or a content tag whose image another tag still uses, left alone; `absent`: nothing there.
   */
  action: 'delete' | 'untag' | 'keep' | 'absent';
  digest: string | null;
  reason?: string;
  /** The buildah cache repository's tags that are (or would be) deleted. */
  tags?: string[];
  deleted: boolean;
}

export interface DownResult {
  buildUuid: BuildUuid;
  dryRun: boolean;
  actions: DownAction[];
}

/**
 * Removes one environment (`deployer down`): its BuildKit cache refs and the run export tags its runs left
 * beside them (untagged one by one), the lease tags runs left on its caches (released by the record read),
 * every tag of its buildah cache repository, and its image tags (down-images.ts): its environment tag and
 * the ownership tags of every content its builds used, each image going with them when no other tag points
 * at it, content tag included (the next environment with that content builds it again); an image other
 * tags still use (another environment's, a fallback's, a fixed tag) loses only this environment's tags.
 */
export async function downEnvironment(environment: Environment, options: DownOptions): Promise<DownResult> {
  const { buildUuid } = options;
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
    // A run killed before releasing its lease left it; no later run of a torn-down environment takes it over.
    actions.push(
      ...(await removeEnvironmentLeases(options.registry, environment, service.name, buildUuid, {
        dryRun,
        request,
      })),
    );
    const cacheRepositoryRef = environmentCacheRepository(environment, service.name, buildUuid);
    if (cacheRepositoryRef !== null) {
      actions.push(
        await emptyCacheRepository(options.registry, service.name, cacheRepositoryRef, dryRun, request),
      );
    }

    actions.push(
      ...(await removeEnvironmentImages(options.registry, environment, service.name, buildUuid, {
        dryRun,
        request,
      })),
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
