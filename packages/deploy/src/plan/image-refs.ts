import { parseImageReference } from '@deployer/cache-ref';

/**
 * Image naming. Each service has one repository, `<host>/<repository>/<service>`, holding two kinds of tag:
 * an immutable one (content digest, git sha or the spec's `tag`) that deployments reference, and the
 * environment tag `<buildUuid>`, which marks the image as used by that environment (what `down` removes).
 */
export function imageRepository(registry: { host: string; repository: string }, service: string): string {
  return `${registry.host}/${registry.repository}/${service}`;
}

export function imageRef(
  registry: { host: string; repository: string },
  service: string,
  tag: string,
): string {
  const ref = `${imageRepository(registry, service)}:${tag}`;
  parseImageReference(ref); // throws a CacheRefError naming the broken part
  return ref;
}

/** Content tags are 12 hex digits: never a build uuid's shape in practice, and `down` relies on that. */
export function isContentTag(tag: string): boolean {
  return /^[0-9a-f]{12}$/.test(tag);
}
