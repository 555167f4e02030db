import { CacheRefError } from '../errors.js';
import {
  digestPattern,
  hostPattern,
  nameTotalLengthMax,
  pathComponentPattern,
  tagLengthMax,
  tagPattern,
} from './patterns.js';

export interface ImageReference {
  /** `host[:port]`; `docker.io` for Docker Hub. */
  registry: string;
  /** The path below the registry, e.g. `library/busybox` or `next-web/web/main`. */
  repository: string;
  tag?: string;
  digest?: string;
}

export const dockerHubRegistry = 'docker.io';
const dockerHubAliases = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

function fail(part: string, rule: string, input: string): never {
  throw new CacheRefError('INVALID_REFERENCE', { part, rule, input });
}

/** Checks `host[:port]`, returning it unchanged. */
export function validateRegistryHost(host: string, input = host): string {
  if (!hostPattern.test(host)) {
    fail('registry host', 'must be host[:port] with letters, digits, dots and dashes', input);
  }
  const port = host.match(/:(\d+)$/)?.[1];
  if (port !== undefined && Number(port) > 65535) fail('registry port', 'must be at most 65535', input);
  return host;
}

/** Checks a repository path (`a/b/c`), naming the component that breaks the grammar. */
export function validateRepositoryPath(path: string, input = path): string {
  if (path === '') fail('repository', 'must not be empty', input);
  for (const component of path.split('/')) {
    if (!pathComponentPattern.test(component)) {
      fail(
        `path component ${JSON.stringify(component)}`,
        'must be lower-case letters and digits, separated by ".", "_", "__" or dashes',
        input,
      );
    }
  }
  return path;
}

function isDomain(firstComponent: string): boolean {
  // Docker's rule: a first component is a registry when it looks like a host, not a namespace.
  return (
    firstComponent.includes('.') ||
    firstComponent.includes(':') ||
    firstComponent === 'localhost' ||
    firstComponent !== firstComponent.toLowerCase()
  );
}

/**
 * Parses `host[:port]/path[:tag][@digest]` per the distribution grammar, normalising Docker Hub
 * (`busybox` → `docker.io/library/busybox`).
 */
export function parseImageReference(input: string): ImageReference {
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at !== -1) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!digestPattern.test(digest))
      fail('digest', 'must be algorithm:hex with at least 32 hex digits', input);
  }
  let tag: string | undefined;
  const lastColon = rest.lastIndexOf(':');
  if (lastColon > rest.lastIndexOf('/')) {
    tag = rest.slice(lastColon + 1);
    rest = rest.slice(0, lastColon);
    if (!tagPattern.test(tag)) {
      fail('tag', `must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,${tagLengthMax - 1}}`, input);
    }
  }
  if (rest === '') fail('name', 'must not be empty', input);

  const slash = rest.indexOf('/');
  let registry = dockerHubRegistry;
  let repository = rest;
  if (slash !== -1 && isDomain(rest.slice(0, slash))) {
    registry = validateRegistryHost(rest.slice(0, slash), input);
    repository = rest.slice(slash + 1);
  }
  if (rest.length > nameTotalLengthMax) {
    fail('name', `must be at most ${nameTotalLengthMax} characters (is ${rest.length})`, input);
  }
  validateRepositoryPath(repository, input);
  if (dockerHubAliases.has(registry)) {
    registry = dockerHubRegistry;
    if (!repository.includes('/')) repository = `library/${repository}`;
  }
  return { registry, repository, ...(tag !== undefined && { tag }), ...(digest !== undefined && { digest }) };
}

export function formatImageReference(ref: ImageReference): string {
  return `${ref.registry}/${ref.repository}${ref.tag !== undefined ? `:${ref.tag}` : ''}${
    ref.digest !== undefined ? `@${ref.digest}` : ''
  }`;
}
