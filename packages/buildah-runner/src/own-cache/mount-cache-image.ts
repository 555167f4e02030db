import { parseImageReference } from '@deployer/cache-ref';
import { RegistryClient } from '@deployer/registry';

/** One cache image to place in the own repository: `host/repository` and tag, both sides on one registry. */
export interface CacheImageCopy {
  /** `host/repository:tag` of the cache image another environment pushed. */
  source: string;
  /** `host/repository:tag` in the environment's own cache repository. */
  destination: string;
}

export interface CacheImageCopyContext {
  /** The registry speaks plain HTTP. */
  insecure: boolean;
  /** Directory of a docker `config.json` with the registry's credentials; null for DOCKER_CONFIG/~/.docker. */
  dockerConfigDir: string | null;
  env: Readonly<Record<string, string | undefined>>;
  signal?: AbortSignal;
}

/**
 * Places cache images in the own repository; the engine's `copyCacheImages` option (a port). Resolves once
 * every destination tag exists, or throws.
 */
export type CacheImageCopier = (
  copies: readonly CacheImageCopy[],
  context: CacheImageCopyContext,
) => Promise<void>;

/**
 * The default copier: the registry mounts each layer and config blob into the own repository (a
 * cross-repository mount, no byte leaves the registry) and the manifest is written with its exact bytes,
 * so each cache tag keeps its digest. One client per registry, so its token is fetched once.
 */
export const mountCacheImages: CacheImageCopier = async (copies, context) => {
  const clients = new Map<string, RegistryClient>();
  for (const copy of copies) {
    const from = parseImageReference(copy.source);
    const to = parseImageReference(copy.destination);
    if (from.registry !== to.registry) {
      throw new Error(`cannot mount ${copy.source} into ${copy.destination}: not one registry`);
    }
    let client = clients.get(from.registry);
    if (client === undefined) {
      client = new RegistryClient({
        host: from.registry,
        ...(context.insecure && { insecure: true }),
        dockerConfig: {
          env: context.env as NodeJS.ProcessEnv,
          ...(context.dockerConfigDir !== null && { configDir: context.dockerConfigDir }),
        },
      });
      clients.set(from.registry, client);
    }
    await client.copyManifest({
      repository: from.repository,
      reference: from.tag ?? 'latest',
      toRepository: to.repository,
      toReference: to.tag ?? 'latest',
      ...(context.signal && { signal: context.signal }),
    });
  }
};
