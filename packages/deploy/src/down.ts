import { environmentCacheRefs } from './cache-refs.js';
import { imageRef, imageRepository, isContentTag } from './image-refs.js';
import type { RegistryPort } from './ports/registry.js';
import type { Environment } from './spec/load.js';
import { validateBuildUuid } from './uuid.js';

export interface DownOptions {
  registry: RegistryPort;
  buildUuid: string;
  /** Report what would be deleted, delete nothing. */
  dryRun?: boolean;
  services?: readonly string[];
  signal?: AbortSignal;
}

export interface DownAction {
  kind: 'cache' | 'image';
  service: string;
  ref: string;
  /** `delete`: (would be) deleted; `keep`: exists but is shared; `absent`: nothing there. */
  action: 'delete' | 'keep' | 'absent';
  digest: string | null;
  reason?: string;
  deleted: boolean;
}

export interface DownResult {
  buildUuid: string;
  dryRun: boolean;
  actions: DownAction[];
}

/**
 * Removes one environment (`deployer down`): its cache refs, and its image tags. Registries delete
 * manifests, not tags, so an environment's image is only deleted when no other non-content tag (another
 * environment, a git sha, `latest`) points at it; its content tag goes with it, which only means the next
 * environment with that content builds it again.
 */
export async function downEnvironment(environment: Environment, options: DownOptions): Promise<DownResult> {
  const buildUuid = validateBuildUuid(options.buildUuid, 'build uuid');
  const dryRun = options.dryRun ?? false;
  const request = options.signal === undefined ? undefined : { signal: options.signal };
  const actions: DownAction[] = [];
  const remove = async (action: Omit<DownAction, 'deleted'>): Promise<void> => {
    const deleted =
      action.action === 'delete' && !dryRun && (await options.registry.deleteTag(action.ref, request));
    actions.push({ ...action, deleted });
  };

  for (const service of environment.services) {
    if (options.services !== undefined && !options.services.includes(service.name)) continue;
    for (const ref of environmentCacheRefs(environment, service.name, buildUuid)) {
      const digest = await options.registry.imageDigest(ref, request);
      await remove({
        kind: 'cache',
        service: service.name,
        ref,
        digest,
        action: digest === null ? 'absent' : 'delete',
      });
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
            action: 'keep',
            reason: `shared with tags ${sharers.join(', ')}`,
          }
        : { kind: 'image', service: service.name, ref, digest, action: 'delete' },
    );
  }
  return { buildUuid, dryRun, actions };
}
