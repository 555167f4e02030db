// deploy's engine port is @deployer/contracts' BuildEngine; this file only points there.
export type { BuildEngine } from '@deployer/contracts';
