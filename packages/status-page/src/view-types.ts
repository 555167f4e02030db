// The environments and builds the pages show, as @deployer/state's queries return them (defined once, in
// @deployer/contracts).
export type { BuildRecord, EnvironmentDetail, EnvironmentSummary } from '@deployer/contracts';
