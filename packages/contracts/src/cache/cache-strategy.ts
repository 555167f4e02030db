/**
 * Where an environment's cache refs live, as configured: `path` (`<registry>/<repository>/<service>/<uuid>:cache`),
 * `tag` (`<registry>/<repository>:cache-<service>-<uuid>`), or `auto` (from the registry profile).
 * @deployer/cache-ref's config schema accepts exactly these.
 */
export type CacheStrategy = 'auto' | ResolvedStrategy;

/** A strategy with `auto` decided: where the refs actually live (a cache plan's and an inventory's `strategy`). */
export type ResolvedStrategy = 'path' | 'tag';
