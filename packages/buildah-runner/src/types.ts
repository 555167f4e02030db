// The engine contract lives in cache-ref, shared with deploy's BuildEngine port.
export type {
  BuildEvent,
  BuildFailureKind,
  EngineBuildRequest,
  EngineBuildResult,
  EngineFailure,
  SecretSource,
  StepTiming,
} from '@deployer/cache-ref';
