import { readFile, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { type CacheConfig, CacheConfigSchema } from '@deployer/cache-ref';
import type { BuildUuid, EngineChoice, RegistryProfileEntry, SecretSource } from '@deployer/contracts';
import { SpecError } from '../errors.js';
import { fallbackWhy } from '../plan/import-order.js';
import { checkArgReferences } from './build-arg-references.js';
import {
  confinePath,
  pathInRoot,
  type SpecRoot,
  specFileInRoot,
  specRoot,
} from './checks/confine-to-root.js';
import { refuseCacheImageOverlap } from './checks/refuse-cache-image-overlap.js';
import { refuseReservedKeys } from './checks/refuse-reserved-keys.js';
import { applyOverrides, type EnvironmentOverrides } from './environment-overrides.js';
import {
  type EnvironmentSpec,
  EnvironmentSpecSchema,
  type ServiceSpec,
  secretFileRule,
  secretFileSafe,
} from './environment-schema.js';
import { applyOperatorSettings, type OperatorSettings, operatorSecrets } from './operator-settings.js';
import { parseSpecYaml } from './parse-spec-yaml.js';
import { dependencyOrder } from './service-dependencies.js';
import { formatSpecPath } from './spec-path.js';
import { issueMessage } from './zod-issue-message.js';

export interface ResolvedService {
  name: string;
  /** Absolute. */
  contextDir: string;
  /** Absolute. */
  dockerfile: string;
  target?: string;
  /** As written; `${…}` references are filled in by the plan. */
  args: Record<string, string>;
  /** `file` sources are absolute. */
  secrets: SecretSource[];
  dependsOn: string[];
  /** Fixed image tag instead of the content digest. */
  tag?: string;
}

/** A validated environment spec with every default and path resolved. */
export interface Environment {
  /** The spec file, absolute; null when built from an object. */
  file: string | null;
  registry: { host: string; repository: string; insecure: boolean };
  cache: CacheConfig & { repository: string };
  engine: EngineChoice;
  fallbacks: BuildUuid[];
  /** Why `fallbacks` are this environment's (the plan's import order says it); default the spec's. */
  fallbacksWhy?: string;
  /** In dependency order. */
  services: ResolvedService[];
}

export interface LoadEnvironmentOptions {
  overrides?: EnvironmentOverrides;
  /**
   * Every context, Dockerfile and secret file must lie inside this directory, symlinks followed (e.g.
   * the repository checkout). Default: the directory of the spec file (`baseDir`).
   */
  root?: string;
  /**
   * Settings the operator fixes for a spec it does not trust (deployer serve): the spec's registry, cache
   * and fallbacks are replaced, fixed tags refused, secrets looked up by id in the operator's list.
   */
  operator?: OperatorSettings;
  /**
   * A config module's registry profiles (`registryProfiles`): the one for the cache registry's host is used
   * when the spec (under an operator, its settings) sets neither `cache.kind` nor `cache.profile`.
   */
  registryProfiles?: readonly RegistryProfileEntry[];
}

/** Reads, validates and resolves an environment spec (YAML). Every problem is a SpecError naming its path. */
export async function loadEnvironment(
  file: string,
  options: LoadEnvironmentOptions = {},
): Promise<Environment> {
  const absolute = resolve(file);
  // With a root (the server's checkout), errors name the file relative to it, as they name its paths.
  const named = specFileInRoot(file, options.root);
  let text: string;
  try {
    text = await readFile(absolute, 'utf8');
  } catch (cause) {
    throw new SpecError('SPEC_NOT_FOUND', {
      path: '(root)',
      detail: 'cannot read the spec file',
      file: named,
      cause,
    });
  }
  const raw = parseSpecYaml(text, named);
  try {
    return await resolveEnvironment(raw, {
      ...options,
      baseDir: dirname(absolute),
      file: absolute,
    });
  } catch (error) {
    throw error instanceof SpecError && error.file === undefined ? error.inFile(named) : error;
  }
}

export interface ResolveEnvironmentOptions extends LoadEnvironmentOptions {
  /** Relative contexts and secret files are resolved against this directory; the default root. */
  baseDir: string;
  file?: string;
}

/** Validates and resolves an already-parsed spec document. */
export async function resolveEnvironment(
  raw: unknown,
  options: ResolveEnvironmentOptions,
): Promise<Environment> {
  refuseReservedKeys(raw);
  const governed = options.operator === undefined ? raw : applyOperatorSettings(raw, options.operator);
  const { doc, paths: overridden } = applyOverrides(governed, options.overrides ?? {});
  const parsed = EnvironmentSpecSchema.safeParse(doc);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const path = formatSpecPath(issue.path);
    const more = parsed.error.issues.length - 1;
    throw new SpecError('INVALID_SPEC', {
      path,
      detail: `${issueMessage(issue)}${overridden.includes(path) ? ' (value from an override)' : ''}${
        more > 0 ? ` (and ${more} more problem${more === 1 ? '' : 's'})` : ''
      }`,
    });
  }
  const spec = parsed.data;
  const insecureHosts = new Set(options.overrides?.insecureRegistries ?? []);
  const registry = {
    ...spec.registry,
    insecure: spec.registry.insecure || insecureHosts.has(spec.registry.host),
  };
  const cache = resolveCache(spec, registry, insecureHosts, options.registryProfiles ?? []);

  const root = await specRoot(options.root ?? options.baseDir);
  const services: ResolvedService[] = [];
  for (const [name, service] of Object.entries(spec.services)) {
    services.push(await resolveService(name, service, options.baseDir, root, options.operator));
  }
  refuseCacheImageOverlap({ registry, cache, services });
  const order = dependencyOrder(services);
  const byName = new Map(services.map((service) => [service.name, service]));

  return {
    file: options.file === undefined ? null : resolve(options.file),
    registry,
    cache,
    engine: spec.engine,
    fallbacks: spec.fallbacks,
    // Under an operator the spec's own fallbacks were replaced by the server config's.
    fallbacksWhy: options.operator === undefined ? fallbackWhy.spec : fallbackWhy.operator,
    services: order.map((name) => byName.get(name)!),
  };
}

/** One service with its paths resolved (symlinks too) and confined to the spec's root. */
async function resolveService(
  name: string,
  service: ServiceSpec,
  baseDir: string,
  root: SpecRoot,
  operator: OperatorSettings | undefined,
): Promise<ResolvedService> {
  const at = (...keys: (string | number)[]) => formatSpecPath(['services', name, ...keys]);
  const contextDir = await confinePath(root, resolve(baseDir, service.context), at('context'));
  if (!(await isKind(contextDir, 'directory'))) {
    throw new SpecError('MISSING_CONTEXT', {
      path: at('context'),
      detail: `build context ${pathInRoot(root, contextDir)} is not a directory`,
    });
  }
  // The default Dockerfile is checked too: `Dockerfile` in the context may be a symlink leading out.
  const dockerfile = await confinePath(
    root,
    resolve(contextDir, service.dockerfile ?? 'Dockerfile'),
    at('dockerfile'),
  );
  if (!(await isKind(dockerfile, 'file'))) {
    throw new SpecError('MISSING_DOCKERFILE', {
      path: service.dockerfile === undefined ? at() : at('dockerfile'),
      detail: `Dockerfile ${pathInRoot(root, dockerfile)} does not exist`,
    });
  }
  const secrets: SecretSource[] = operator ? operatorSecrets(name, service.secrets, operator) : [];
  for (const [index, secret] of (operator ? [] : service.secrets).entries()) {
    if (secret.env !== undefined) {
      secrets.push({ id: secret.id, env: secret.env });
      continue;
    }
    const where = at('secrets', index, 'file');
    const file = await confinePath(root, resolve(baseDir, secret.file!), where);
    if (!(await isKind(file, 'file'))) {
      throw new SpecError('MISSING_SECRET', {
        path: where,
        detail: `secret file ${pathInRoot(root, file)} does not exist`,
      });
    }
    // The spec's value passed the same rule; the root or a symlink may still bring a comma in.
    if (!secretFileSafe.test(file))
      throw new SpecError('INVALID_SPEC', { path: where, detail: secretFileRule });
    secrets.push({ id: secret.id, file });
  }
  checkArgReferences(name, service.args, service.dependsOn);
  return {
    name,
    contextDir,
    dockerfile,
    ...(service.target !== undefined && { target: service.target }),
    args: service.args,
    secrets,
    dependsOn: service.dependsOn,
    ...(service.tag !== undefined && { tag: service.tag }),
  };
}

/**
 * The cache lives beside the images unless told otherwise: same host (and its insecure flag), repository
 * `<registry.repository>/cache`, so cache repositories never mix with image repositories. A config module's
 * profile for that host gives its kind and profile, unless the spec sets either itself: the spec's own
 * setting wins whole, so a profile is never half the spec's and half the config's.
 */
function resolveCache(
  spec: EnvironmentSpec,
  registry: Environment['registry'],
  insecureHosts: ReadonlySet<string>,
  registryProfiles: readonly RegistryProfileEntry[],
): Environment['cache'] {
  const host = spec.cache?.registry ?? registry.host;
  const insecure =
    (spec.cache?.insecure ?? (host === registry.host && registry.insecure)) || insecureHosts.has(host);
  const ownProfile = spec.cache?.kind !== undefined || spec.cache?.profile !== undefined;
  const configured = ownProfile
    ? undefined
    : registryProfiles.find((entry) => entry.host.toLowerCase() === host.toLowerCase());
  const config = CacheConfigSchema.parse({
    ...spec.cache,
    ...(configured?.kind !== undefined && { kind: configured.kind }),
    ...(configured?.profile !== undefined && { profile: configured.profile }),
    registry: host,
    repository: spec.cache?.repository ?? `${registry.repository}/cache`,
    insecure,
  });
  return { ...config, repository: config.repository! };
}

async function isKind(path: string, kind: 'file' | 'directory'): Promise<boolean> {
  try {
    const stats = await stat(path);
    return kind === 'file' ? stats.isFile() : stats.isDirectory();
  } catch {
    return false;
  }
}
