/*
 * The build uuid names an environment: its cache refs, its image tags, its lease, its rows in the server's
 * database. Its rule (a DNS-label-sized, lower-case name) is @deployer/deploy's, checked once where a uuid
 * enters (a flag, a spec, the server's config, a request, the generator); the brand lets every signature
 * below that edge say "already checked" instead of checking again.
 */

declare const buildUuidBrand: unique symbol;

/**
 * A build uuid that passed the rule. Only @deployer/deploy's `validateBuildUuid` and `generateBuildUuid`
 * make one (and @deployer/state, reading back uuids that were validated when written). A plain `string`
 * is not one: pass it through `validateBuildUuid(value, source)` first. Type-only, nothing at run time: a
 * BuildUuid is the string itself.
 */
export type BuildUuid = string & { readonly [buildUuidBrand]: true };
