import type { BuildUuid, CacheEndpoint, CacheFlavour, CachePlan, LeaseEndpoint } from '@deployer/contracts';
import type { CacheConfig } from '../config/cache-config.js';
import { resolveRegistryProfile } from '../config/registry-profiles.js';
import { CacheRefError } from '../errors.js';
import { validateRepositoryPath } from '../grammar/reference.js';
import { cacheLocation, leaseLocation, resolveStrategy } from './cache-location.js';

export interface CachePlanInput {
  config: CacheConfig;
  /** The cache repository; `config.repository` when absent. */
  repository?: string;
  service: string;
  /**
   * The environment; absent or null: none (the plan imports and, with `sharedExport`, writes the service-wide
   * ref). A `BuildUuid`, not a string: make one with @deployer/deploy's `validateBuildUuid`.
   */
  buildUuid?: BuildUuid | null;
  /** Environments whose caches warm this one, e.g. `main`, in priority order. */
  fallbacks?: readonly BuildUuid[];
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

  const endpoint = (buildUuid: BuildUuid | null, source: CacheEndpoint['source']): CacheEndpoint => {
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
  const lease = (uuid: BuildUuid): LeaseEndpoint => {
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
