import { parseImageReference } from '@deployer/cache-ref';
import { SpecError } from '../../errors.js';
import { imageRepository } from '../../plan/image-refs.js';
import { formatSpecPath } from '../spec-path.js';

/**
 * Where refs live (cache-ref's layout, deploy's image-refs), with C the cache repository:
 * - tag strategy: every cache ref and lease is a tag of C itself (`C:cache-<service>-<uuid>`);
 * - path strategy: `C/<service>:cache`, `C/<service>/<uuid>:cache` (and buildah's layer tags there),
 *   `C/<service>/<uuid>/lease:lease` — any repository below C, since services and uuids are free names;
 * - images: `<registry.repository>/<service>:<tag>`, tags being content tags, build uuids, git shas.
 * `down` and `gc` look under both strategies (the strategy may have changed since a ref was written).
 * So an image repository equal to C shares tags with the tag strategy's caches (build uuid
 * `cache-web-main` is main's web cache), and one below C is some path-strategy cache repository (an image
 * repository `C/web` is web's service-wide one). A cache repository below an image repository shares no
 * repository with it, but is refused as well: the two namespaces stay apart either way round.
 */
type Relation = 'is' | 'inside' | 'contains';

interface Located {
  registry: string;
  repository: string;
}

/** `host/repository` as registries see it: Docker Hub's aliases and `library/` normalised, host case too. */
function locate(repositoryRef: string): Located {
  const parsed = parseImageReference(repositoryRef);
  return { registry: parsed.registry.toLowerCase(), repository: parsed.repository };
}

function relation(image: Located, cache: Located): Relation | null {
  if (image.registry !== cache.registry) return null;
  if (image.repository === cache.repository) return 'is';
  if (image.repository.startsWith(`${cache.repository}/`)) return 'inside';
  if (cache.repository.startsWith(`${image.repository}/`)) return 'contains';
  return null;
}

const wording: Record<Relation, string> = {
  is: 'is the cache repository',
  inside: 'lies inside the cache repository',
  contains: 'contains the cache repository',
};

export interface CacheOverlapInput {
  registry: { host: string; repository: string };
  cache: { registry: string; repository: string };
  services: readonly { name: string }[];
}

/**
 * Refuses (SpecError `CACHE_OVERLAPS_IMAGES`, before anything is built or deleted) a spec where a service's
 * image repository is, lies inside or contains the cache repository: there one environment's image tag
 * could overwrite another's cache, and `down` or `gc` could delete a cache for an image or the reverse.
 */
export function refuseCacheImageOverlap(environment: CacheOverlapInput): void {
  const cacheRepository = `${environment.cache.registry}/${environment.cache.repository}`;
  const cache = locate(cacheRepository);
  const clashes = environment.services.flatMap((service) => {
    const image = imageRepository(environment.registry, service.name);
    const found = relation(locate(image), cache);
    return found === null ? [] : [{ service: service.name, image, relation: found }];
  });
  const [first] = clashes;
  if (first === undefined) return;
  const listed = clashes
    .map((clash) => `service ${clash.service}'s image repository ${clash.image} ${wording[clash.relation]}`)
    .join('; ');
  throw new SpecError('CACHE_OVERLAPS_IMAGES', {
    path: formatSpecPath(['services', first.service]),
    detail:
      `${listed} ${cacheRepository} (cache.registry/cache.repository, default <registry.repository>/cache). ` +
      'Rule: images and caches never share a repository, nor nest in one another, under either cache ' +
      'strategy: an environment image tag could otherwise be or replace another environment’s cache ' +
      '(tag strategy `cache-<service>-<uuid>`, path strategy `<cache>/<service>/<uuid>`), and `down` or ' +
      '`cache gc` could delete the wrong one. Rename the service or set cache.repository outside ' +
      `${environment.registry.host}/${environment.registry.repository}/<service>.`,
  });
}
