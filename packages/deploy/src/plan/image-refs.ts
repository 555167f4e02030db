import { parseImageReference } from '@deployer/cache-ref';

/**
 * Image naming. Each service has one repository, `<host>/<repository>/<service>`, holding three kinds of
 * tag: an immutable one (content digest, git sha or the spec's `tag`) that deployments reference; the
 * environment tag `<buildUuid>`, the image the environment uses now; and for content-tagged images the
 * ownership tag `<buildUuid>.<contentTag>` (ownership-tag.ts), which records every content the environment
 * used, so that `down` and `cache gc` can remove the images no environment uses any more.
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

/** The repository of an image ref (`host/repository:tag` without `:tag`). */
export function repositoryOfImage(ref: string): string {
  return ref.slice(0, ref.lastIndexOf(':'));
}

/** The image a ref's repository holds at `digest` (`host/repository@sha256:…`). */
export function imageAtDigest(ref: string, digest: string): string {
  return `${repositoryOfImage(ref)}@${digest}`;
}
