import { type ExportRun, type RunExport, runScopedExport } from '@deployer/cache-ref';
import type { BuildEngine, EngineArgv, EngineBuildRequest } from '@deployer/contracts';
import type { EnvironmentPlan, ServicePlan } from './plan-environment.js';

/** What a run adds to every request beyond the plan. */
export interface RequestExtras {
  labels?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

/** What a build adds: its run-scoped export, made once per service by the run (service-run.ts). */
export interface BuildRequestExtras extends RequestExtras {
  /** The run tag the cache is exported to (cache-ref's runScopedExport); null or absent: to the ref. */
  runExport?: RunExport | null;
}

/**
 * The run to show in `engineArgvs` for a build that will have a registry (and so a run-scoped export): a
 * plan has no run yet, so its export tag stands for each run's own
 * (`…--run-000000000-<hash>`; a build's has its start time and run id there instead).
 */
export const plannedRun: ExportRun = { runId: 'planned run', startedAt: new Date(0) };

/**
 * The request a planned service's build sends the engine (without its signal and listener): one mapping
 * for `buildEnvironment` and for `engineArgvs`, so the command line a plan shows is the one a build runs.
 */
export function engineRequest(
  plan: EnvironmentPlan,
  service: ServicePlan,
  extras: BuildRequestExtras = {},
): EngineBuildRequest {
  return {
    buildUuid: service.buildUuid,
    service: service.service,
    contextDir: service.contextDir,
    dockerfile: service.dockerfile,
    ...(service.target !== undefined && { target: service.target }),
    buildArgs: service.buildArgs,
    secrets: service.secrets,
    ...(extras.labels !== undefined && { labels: extras.labels }),
    images: pushedImages(service),
    cache: extras.runExport?.plan ?? service.cache,
    insecureRegistries: plan.insecureRegistries,
    ...(extras.timeoutMs !== undefined && { timeoutMs: extras.timeoutMs }),
  };
}

/**
 * The refs a build pushes: the ownership tag first (for a content-tagged image), so that an engine pushing
 * one name after another (buildah) never leaves the content tag without its owner should it stop half-way,
 * then the immutable image and the environment tag.
 */
export function pushedImages(service: ServicePlan): string[] {
  return [
    ...(service.ownershipImage === null ? [] : [service.ownershipImage]),
    service.image,
    service.environmentImage,
  ];
}

/**
 * Per service, in plan order, the command line the engine would run to build it. Builds nothing. Pass
 * `run: plannedRun` when the build would run with a registry, as `buildEnvironment` then exports per run.
 */
export async function engineArgvs(
  plan: EnvironmentPlan,
  engine: BuildEngine,
  options: RequestExtras & { run?: ExportRun; signal?: AbortSignal } = {},
): Promise<Map<string, EngineArgv>> {
  const { signal, run, ...extras } = options;
  const argvs = await Promise.all(
    plan.services.map((service) =>
      engine.argv({
        ...engineRequest(plan, service, {
          ...extras,
          ...(run !== undefined && { runExport: runScopedExport(service.cache, run) }),
        }),
        ...(signal !== undefined && { signal }),
      }),
    ),
  );
  return new Map(plan.services.map((service, index) => [service.service, argvs[index]!]));
}
