import type { RegistryKind } from '@deployer/contracts';
import type { SameType } from './same-type.js';

/**
 * The registry kinds deployer knows a profile for (`kind` in the config, `--kind`), listed at run time:
 * @deployer/contracts owns the type, `RegistryKind`. No schema here: see registry-profiles.ts.
 */
export const registryKinds = [
  'distribution',
  'ecr',
  'gar',
  'ghcr',
  'acr',
  'dockerhub',
  'harbor',
  'quay',
] as const satisfies readonly RegistryKind[];

// `satisfies` refuses a kind contracts does not know; this also refuses a kind of contracts' left out here.
const _everyKindListed: SameType<(typeof registryKinds)[number], RegistryKind> = true;
