export type { BuildEngine } from './engine/build-engine.js';
export type {
  BuildEvent,
  BuildFailureKind,
  EngineArgv,
  EngineArgvUnresolved,
  EngineBuildRequest,
  EngineBuildResult,
  EngineFailure,
  SecretSource,
  StepCounts,
  StepTiming,
} from './engine/contract.js';
export type { CacheRefInfo } from './registry/cache-ref-info.js';
export type { CacheRegistry } from './registry/cache-registry.js';
export type { ImageRegistry } from './registry/image-registry.js';
export type { LeaseHolder } from './registry/lease-holder.js';
export type { LeaseRegistry } from './registry/lease-registry.js';
export type { RegistryPort } from './registry/registry-port.js';
