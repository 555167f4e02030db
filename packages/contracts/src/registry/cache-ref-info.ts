import type { ResolvedStrategy } from '../cache/cache-strategy.js';

/**
 * One environment's cache of one service, as found in a registry: what inventories report and what
 * `cache ls`, `down` and `gc` decide on. The registry client produces it; the CacheRegistry port returns it.
 */
export interface CacheRefInfo {
  strategy: ResolvedStrategy;
  /**
   * `tag`: BuildKit's cache, one manifest at `ref` (`host/repository:tag`). `repository`: buildah's cache
   * (path strategy only), a repository of per-layer cache images, one tag per cache key; `ref` is the
   * repository (`host/repository`), which belongs to exactly one environment.
   */
  layout: 'tag' | 'repository';
  ref: string;
  /**
   * The build uuid component as found in the ref; null for the service-wide ref. A plain string, not a
   * `BuildUuid`: a registry may hold refs no deployer wrote, and whether a component is a valid build uuid is
   * @deployer/deploy's rule, which the registry client (below deploy) does not import. deploy decides with
   * `isBuildUuid` where it matters (an environment's cache is only ever under a valid one).
   */
  buildUuid: string | null;
  /** The cache manifest's digest; null for a repository. */
  digest: string | null;
  /** `[tag]` for a tag ref; a repository's cache tags. */
  tags: string[];
  /** Distinct blobs its manifests reference. */
  sizeBytes: number;
  /** Newest `buildkit/createdat` in a cache index, or newest image `created` in a repository. */
  createdAt: Date | null;
}
