import type { CacheConfig, ResolvedStrategy } from '../config/cache-config.js';
import { type RegistryProfile, resolveRegistryProfile } from '../config/registry-profiles.js';
import type { CacheFlavour } from '../engines/engine-names.js';
import { CacheRefError } from '../errors.js';
import { validateRepositoryPath } from '../grammar/reference.js';
import { cacheLocation, leaseLocation, resolveStrategy } from './cache-location.js';

export interface CacheEndpoint {
  /** Full reference, `host/repository:tag`. */
  ref: string;
  /** `host/repository`, what engines that cache per repository (buildah) take. */
  repository: string;
  tag: string;
  /** The environment this ref belongs to; null for the service-wide ref. */
  buildUuid: string | null;
  source: 'own' | 'fallback' | 'service';
}

/** Where the lease on an environment's export ref lives (see `leaseLocation`). */
export interface LeaseEndpoint {
  /** Full reference, `host/repository:tag`. */
  ref: string;
  /** `host/repository`. */
  repository: string;
  tag: string;
}

export interface CachePlan {
  /** Whose cache flags the plan speaks (`buildx` plans as `buildkit`; see `cacheFlavourOf`). */
  engine: CacheFlavour;
  registry: string;
  insecure: boolean;
  profile: RegistryProfile;
  strategy: ResolvedStrategy;
  /** `inline` where the registry refuses `mode=max`: the cache then travels inside the pushed image. */
  mode: 'max' | 'min' | 'inline';
  /** The environment's own ref; null when nothing may be written (no build uuid). */
  export: CacheEndpoint | null;
  /** Own ref, then fallbacks, in priority order, without duplicates. */
  imports: CacheEndpoint[];
  /**
   * The lease a run holds while it writes `export`, so that runs in other processes for the same
   * environment notice each other; null without a build uuid (a shared export has no single owner).
   */
  lease: LeaseEndpoint | null;
  /**
   * The service's cache whatever the environment: its service-wide ref (`<registry>/<repository>/<service>:cache`
   * under the path strategy, `<registry>/<repository>:cache-<service>` under the tag strategy). What a pool
   * of daemons routes a build by, so every environment of a service meets the daemon holding its local
   * cache: decided here with the refs, never by taking a ref apart.
   */
  serviceCacheRef: string;
}

export interface CachePlanInput {
  config: CacheConfig;
  /** The cache repository; `config.repository` when absent. */
  repository?: string;
  service: string;
  buildUuid?: string | null;
  /** Environments whose caches warm this one, e.g. `['main']`, in priority order. */
  fallbacks?: readonly string[];
  engine?: CacheFlavour;
}

/**
 * Decides which refs a build of one service in one environment reads and writes. An environment only
 * ever writes its own ref, so concurrent environments never race on one cache.
 */
export function planCache(input: CachePlanInput): CachePlan {
  const { config, service } = input;
  const engine = input.engine ?? 'buildkit';
  const repository = input.repository ?? config.repository;
  if (repository === undefined) {
    throw new CacheRefError('INVALID_CONFIG', {
      part: 'cache repository',
      rule: 'is required: set cache.repository or pass a repository',
      input: service,
    });
  }
  validateRepositoryPath(repository);
  const profile = resolveRegistryProfile(config.registry, config.kind, config.profile);
  if (profile.kind === 'dockerhub' && !repository.includes('/')) {
    // Docker would silently read `docker.io/x` as the official `docker.io/library/x`.
    throw new CacheRefError('INVALID_CONFIG', {
      part: 'cache repository',
      rule: 'on Docker Hub must be <namespace>/<name>, e.g. "acme/next-web"',
      input: repository,
    });
  }
  const strategy = resolveStrategy(config.strategy, profile);
  if (engine === 'buildah' && strategy === 'tag') {
    throw new CacheRefError('UNSUPPORTED_COMBINATION', {
      part: 'cache strategy',
      rule: `buildah caches per repository, so the tag strategy (chosen for ${profile.kind}) cannot keep environments apart: use strategy "path" on a registry with nested repositories, or the buildkit engine`,
      input: config.registry,
    });
  }

  const endpoint = (buildUuid: string | null, source: CacheEndpoint['source']): CacheEndpoint => {
    const location = cacheLocation({ registry: config.registry, repository, service, buildUuid, strategy });
    const repositoryRef = `${config.registry}/${location.repository}`;
    return {
      ref: `${repositoryRef}:${location.tag}`,
      repository: repositoryRef,
      tag: location.tag,
      buildUuid,
      source,
    };
  };

  const buildUuid = input.buildUuid ?? null;
  const own = buildUuid === null ? endpoint(null, 'service') : endpoint(buildUuid, 'own');
  const candidates = [own, ...(input.fallbacks ?? []).map((fallback) => endpoint(fallback, 'fallback'))];
  const imports = candidates.filter(
    (candidate, index) => candidates.findIndex((other) => other.ref === candidate.ref) === index,
  );
  const writesShared = buildUuid === null && config.sharedExport;
  const lease = (uuid: string): LeaseEndpoint => {
    const location = leaseLocation({
      registry: config.registry,
      repository,
      service,
      buildUuid: uuid,
      strategy,
    });
    const repositoryRef = `${config.registry}/${location.repository}`;
    return { ref: `${repositoryRef}:${location.tag}`, repository: repositoryRef, tag: location.tag };
  };

  return {
    engine,
    registry: config.registry,
    insecure: config.insecure,
    profile,
    strategy,
    mode: profile.acceptsModeMax ? config.mode : 'inline',
    export: buildUuid !== null || writesShared ? own : null,
    imports,
    lease: buildUuid === null ? null : lease(buildUuid),
    serviceCacheRef: endpoint(null, 'service').ref,
  };
}
