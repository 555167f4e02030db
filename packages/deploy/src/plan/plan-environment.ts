import { relative } from 'node:path';
import { CacheRefError, planCache } from '@deployer/cache-ref';
import {
  type BuildUuid,
  type CacheFlavour,
  type CachePlan,
  cacheFlavourOf,
  type ImageRegistry,
  type SecretSource,
} from '@deployer/contracts';
import { SpecError } from '../errors.js';
import { interpolateArgs } from '../spec/build-arg-references.js';
import { insecureRegistries } from '../spec/insecure-registries.js';
import type { Environment } from '../spec/load-environment.js';
import { withDependencies } from '../spec/service-dependencies.js';
import { formatSpecPath } from '../spec/spec-path.js';
import { contentTag } from './content-tag.js';
import { type Existence, imageExistence, type RegistryProblem } from './image-existence.js';
import { imageRef } from './image-refs.js';
import {
  type FallbackChoice,
  fallbackChoices,
  fallbackWhy,
  type ImportSource,
  importOrder,
} from './import-order.js';
import { ownershipTag } from './ownership-tag.js';

export interface PlanOptions {
  /** Validated where it came in (`validateBuildUuid` on a flag, `generateBuildUuid`): not checked again here. */
  buildUuid: BuildUuid;
  /**
   * Replaces the spec's `fallbacks` when given. A bare build uuid is one given on the command line (its `why`
   * is `--fallback`); a choice says its own why (the server's base branch, a stacked pull request).
   */
  fallbacks?: readonly (BuildUuid | FallbackChoice)[];
  /** Only these services, plus what they depend on (`--service`). */
  services?: readonly string[];
  /** Build even when the image exists (`--force`). */
  force?: boolean;
  /** The cache flavour of the engine actually used; default: the spec's engine's (`cacheFlavourOf`). */
  engine?: CacheFlavour;
  /** Tag images with this git sha instead of their content digest (a service's own `tag` still wins). */
  gitSha?: string;
  /** Checks which images exist already; without it every service is planned for building. */
  registry?: ImageRegistry;
  /**
   * When the registry cannot be asked (unreachable, refusing): `fail` (default, what a build needs)
   * throws its error; `unknown` (what `plan` needs, e.g. offline) plans the service's action as
   * `unknown`, asks no more, and records the problem once in `registryProblem`.
   */
  onRegistryError?: 'fail' | 'unknown';
  signal?: AbortSignal;
}

export interface ServicePlan {
  service: string;
  buildUuid: BuildUuid;
  dependsOn: string[];
  contextDir: string;
  dockerfile: string;
  target?: string;
  /** References filled in. */
  buildArgs: Record<string, string>;
  secrets: SecretSource[];
  tag: string;
  tagSource: 'content' | 'git' | 'spec';
  /** The immutable image ref deployments use: `<host>/<repository>/<service>:<tag>`. */
  image: string;
  /** `<host>/<repository>/<service>:<buildUuid>`. */
  environmentImage: string;
  /**
   * `<host>/<repository>/<service>:<buildUuid>.<contentTag>`, the environment's record that it used this
   * content (see ownership-tag.ts); null for a git sha or spec tag, which no cleanup collects.
   */
  ownershipImage: string | null;
  cache: CachePlan;
  /** `unknown`: the registry could not be asked (see `EnvironmentPlan.registryProblem`). */
  action: 'build' | 'skip' | 'unknown';
  /** Why: `image exists`, `image missing`, `forced`, `not checked`, `registry not reachable`. */
  reason: string;
  /** Digest of the existing image, when checked and found. */
  existingDigest: string | null;
}

export interface EnvironmentPlan {
  buildUuid: BuildUuid;
  fallbacks: BuildUuid[];
  /** Whose caches a build imports, own first, then the fallbacks in order, each with why. */
  importOrder: ImportSource[];
  /** The environment's cache settings the services' cache plans were made from (for other uuids' refs). */
  cacheConfig: Environment['cache'];
  engine: CacheFlavour;
  /** Registries to reach over plain HTTP. */
  insecureRegistries: string[];
  /** In dependency order. */
  services: ServicePlan[];
  /** Why images could not be checked, with `onRegistryError: 'unknown'`; null when they could. */
  registryProblem: RegistryProblem | null;
}

export type { RegistryProblem } from './image-existence.js';

const gitShaPattern = /^[0-9a-f]{7,40}$/;

/** Decides, per service, which image and cache refs a build uses and whether it is needed. Builds nothing. */
export async function planEnvironment(
  environment: Environment,
  options: PlanOptions,
): Promise<EnvironmentPlan> {
  const { buildUuid } = options;
  const choices =
    options.fallbacks !== undefined
      ? fallbackChoices(options.fallbacks, fallbackWhy.flag)
      : fallbackChoices(environment.fallbacks, environment.fallbacksWhy ?? fallbackWhy.spec);
  const fallbacks = choices.map((choice) => choice.buildUuid);
  if (options.gitSha !== undefined && !gitShaPattern.test(options.gitSha)) {
    throw new SpecError('INVALID_SPEC', { path: 'git sha', detail: 'must be 7 to 40 lower-case hex digits' });
  }
  const engine = options.engine ?? cacheFlavourOf(environment.engine);
  const selected = selectServices(environment, options.services);

  const images = new Map<string, string>();
  const planned: Omit<ServicePlan, keyof Existence>[] = [];
  for (const service of environment.services) {
    if (!selected.has(service.name)) continue;
    const buildArgs = interpolateArgs(service.args, { registry: environment.registry, images });
    const [tag, tagSource] =
      service.tag !== undefined
        ? [service.tag, 'spec' as const]
        : options.gitSha !== undefined
          ? [options.gitSha, 'git' as const]
          : [
              await contentTag({
                contextDir: service.contextDir,
                dockerfile: service.dockerfile,
                ...(service.target !== undefined && { target: service.target }),
                args: buildArgs,
                secrets: service.secrets.map((secret) => secret.id),
              }),
              'content' as const,
            ];
    const [image, environmentImage, ownershipImage, cache] = specProblem<
      [string, string, string | null, CachePlan]
    >(environment, ['services', service.name], () => [
      imageRef(environment.registry, service.name, tag),
      imageRef(environment.registry, service.name, buildUuid),
      tagSource === 'content'
        ? imageRef(environment.registry, service.name, ownershipTag(buildUuid, tag))
        : null,
      planCache({ config: environment.cache, service: service.name, buildUuid, fallbacks, engine }),
    ]);
    images.set(service.name, image);
    planned.push({
      service: service.name,
      buildUuid,
      dependsOn: service.dependsOn,
      contextDir: service.contextDir,
      dockerfile: service.dockerfile,
      ...(service.target !== undefined && { target: service.target }),
      buildArgs,
      secrets: service.secrets,
      tag,
      tagSource,
      image,
      environmentImage,
      ownershipImage,
      cache,
    });
  }
  // Tags are settled in dependency order (a service's args name its dependencies' images); which images
  // exist is then asked for all of them at once, a few requests in flight, not one round trip after another.
  const existence = imageExistence(environment.registry.host, options);
  const existing = await existence.checkAll(planned.map((service) => service.image));
  const services: ServicePlan[] = planned.map((service, index) => ({ ...service, ...existing[index]! }));
  return {
    buildUuid,
    fallbacks,
    importOrder: importOrder(buildUuid, choices),
    cacheConfig: environment.cache,
    engine,
    insecureRegistries: insecureRegistries(environment),
    services,
    registryProblem: existence.problem(),
  };
}

/** cache-ref's refusals (a name too long, buildah with the tag strategy) are problems of the spec. */
function specProblem<T>(environment: Environment, path: readonly string[], compute: () => T): T {
  try {
    return compute();
  } catch (error) {
    if (!(error instanceof CacheRefError)) throw error;
    const problem = new SpecError('INVALID_SPEC', {
      path: formatSpecPath(path),
      detail: error.message,
      cause: error,
    });
    throw environment.file === null ? problem : problem.inFile(relative(process.cwd(), environment.file));
  }
}

function selectServices(environment: Environment, names: readonly string[] | undefined): Set<string> {
  const all = environment.services.map((service) => service.name);
  if (names === undefined || names.length === 0) return new Set(all);
  for (const name of names) {
    if (!all.includes(name)) {
      throw new SpecError('UNKNOWN_SERVICE', {
        path: '--service',
        detail: `no service ${JSON.stringify(name)}; services are: ${all.join(', ')}`,
      });
    }
  }
  return withDependencies(environment.services, names);
}
