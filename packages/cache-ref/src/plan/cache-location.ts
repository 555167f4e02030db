import type { BuildUuid, CacheStrategy, RegistryProfile, ResolvedStrategy } from '@deployer/contracts';
import { CacheRefError } from '../errors.js';
import { nameTotalLengthMax, tagLengthMax } from '../grammar/patterns.js';
import { sanitizeComponent } from '../grammar/sanitize.js';

/** Components longer than this are shortened (with a hash), keeping refs readable and DNS-label sized. */
const componentLengthMax = 63;
const cacheTag = 'cache';
const tagPrefix = 'cache-';
/**
 * The lease (who is writing an environment's cache, see deploy's README). Tag strategy: a tag beside the
 * cache tag; `lease-` is as long as `cache-`, so it keeps exactly the cache tag's uuid component. Path
 * strategy: a repository of its own one level below the environment's cache repository, never a tag in
 * it: buildah-runner takes any tag there for a cache, and no cache repository is ever that deep.
 */
const leaseTag = 'lease';
const leaseTagPrefix = 'lease-';
const leaseComponent = 'lease';

/**
 * `auto` picks `path` where a registry takes nested repositories and creates them on push, else `tag`
 * (Docker Hub, quay.io, ECR with pre-created repositories).
 */
export function resolveStrategy(strategy: CacheStrategy, profile: RegistryProfile): ResolvedStrategy {
  if (strategy !== 'auto') return strategy;
  return profile.nestedPaths && profile.createsRepositoriesOnPush ? 'path' : 'tag';
}

export interface CacheLocation {
  /** Repository path below the registry host. */
  repository: string;
  tag: string;
}

export interface CacheLocationInput {
  registry: string;
  repository: string;
  service: string;
  /**
   * The environment; null for the service-wide ref. A `BuildUuid` (deploy's rule, checked where it came in);
   * its component is still sanitised below like any other, so that even a forged one (a cast) makes a valid
   * ref and two distinct uuids never share one.
   */
  buildUuid: BuildUuid | null;
  strategy: ResolvedStrategy;
}

/** The one place that decides where an environment's cache for a service lives. */
export function cacheLocation(input: CacheLocationInput): CacheLocation {
  return input.strategy === 'path' ? pathLocation(input) : tagLocation(input, tagPrefix);
}

/**
 * Where the lease on an environment's cache of a service lives: `<cache repository>/lease:lease` below the
 * environment's cache repository (path strategy), or `lease-<service>-<uuid>` next to
 * `cache-<service>-<uuid>` (tag strategy). Only environments have one: without a build uuid nothing is
 * exported, so there is nothing to guard.
 */
export function leaseLocation(input: CacheLocationInput & { buildUuid: BuildUuid }): CacheLocation {
  if (input.strategy === 'tag') return tagLocation(input, leaseTagPrefix);
  const repository = `${pathLocation(input).repository}/${leaseComponent}`;
  checkNameLength(input.registry, repository, 'lease repository');
  return { repository, tag: leaseTag };
}

function pathLocation({ registry, repository, service, buildUuid }: CacheLocationInput): CacheLocation {
  const serviceComponent = sanitizeComponent(service, { maxLength: componentLengthMax, what: 'service' });
  const parts = [repository, serviceComponent];
  if (buildUuid !== null) {
    parts.push(sanitizeComponent(buildUuid, { maxLength: componentLengthMax, what: 'build uuid' }));
  }
  const path = parts.join('/');
  checkNameLength(registry, path, 'cache repository');
  return { repository: path, tag: cacheTag };
}

function checkNameLength(registry: string, path: string, part: string): void {
  const nameLength = registry.length + 1 + path.length;
  if (nameLength > nameTotalLengthMax) {
    throw new CacheRefError('INVALID_REFERENCE', {
      part,
      rule: `${registry}/${path} is ${nameLength} characters, over the ${nameTotalLengthMax} a name may have: use a shorter registry or repository`,
      input: `${registry}/${path}`,
    });
  }
}

function tagLocation(
  { repository, service, buildUuid }: CacheLocationInput,
  prefix: typeof tagPrefix | typeof leaseTagPrefix,
): CacheLocation {
  const tagService = tagServiceComponent(service);
  if (buildUuid === null) return { repository, tag: `${prefix}${tagService}` };
  const room = tagLengthMax - prefix.length - tagService.length - 1;
  const uuid = sanitizeComponent(buildUuid, { maxLength: room, what: 'build uuid' });
  return { repository, tag: `${prefix}${tagService}-${uuid}` };
}

/** In a tag the service never contains `-`: the first `-` after it starts the build uuid. */
function tagServiceComponent(service: string): string {
  return sanitizeComponent(service, { maxLength: 40, separator: '_', what: 'service' });
}

export interface CacheLocations {
  path: { repositoryPrefix: string; serviceRepository: string; tag: string };
  tag: { repository: string; tagPrefix: string; serviceTag: string };
}

/** Where to look for every environment's cache of one service, under both strategies (for inventories). */
export function cacheLocations(input: { repository: string; service: string }): CacheLocations {
  const serviceRepository = `${input.repository}/${sanitizeComponent(input.service, {
    maxLength: componentLengthMax,
    what: 'service',
  })}`;
  const serviceTag = `${tagPrefix}${tagServiceComponent(input.service)}`;
  return {
    path: { repositoryPrefix: `${serviceRepository}/`, serviceRepository, tag: cacheTag },
    tag: { repository: input.repository, tagPrefix: `${serviceTag}-`, serviceTag },
  };
}

export interface LeaseLocations {
  /** Path strategy: repositories `<repositoryPrefix><uuid><repositorySuffix>`, the lease at `tag`. */
  path: { repositoryPrefix: string; repositorySuffix: string; tag: string };
  /** Tag strategy: tags `<tagPrefix><uuid>` of `repository`. */
  tag: { repository: string; tagPrefix: string };
}

/**
 * Where to look for every environment's lease on its cache of one service, under both strategies (for
 * `cache gc`, which removes the leases of runs that died): the counterpart of `cacheLocations`.
 */
export function leaseLocations(input: { repository: string; service: string }): LeaseLocations {
  const { path } = cacheLocations(input);
  return {
    path: { repositoryPrefix: path.repositoryPrefix, repositorySuffix: `/${leaseComponent}`, tag: leaseTag },
    tag: {
      repository: input.repository,
      tagPrefix: `${leaseTagPrefix}${tagServiceComponent(input.service)}-`,
    },
  };
}
