import type { EngineArgv, EngineBuildRequest } from '@deployer/cache-ref';
import type { EnvironmentPlan, ServicePlan } from './plan.js';
import type { BuildEngine } from './ports/engine.js';

/** What a run adds to every request beyond the plan. */
export interface RequestExtras {
  labels?: Readonly<Record<string, string>>;
  timeoutMs?: number;
}

/**
 * The request a planned service's build sends the engine (without its signal and listener): one mapping
 * for `buildEnvironment` and for `engineArgvs`, so the command line a plan shows is the one a build runs.
 */
export function engineRequest(
  plan: EnvironmentPlan,
  service: ServicePlan,
  extras: RequestExtras = {},
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
    images: [service.image, service.environmentImage],
    cache: service.cache,
    insecureRegistries: plan.insecureRegistries,
    ...(extras.timeoutMs !== undefined && { timeoutMs: extras.timeoutMs }),
  };
}

/** Per service, in plan order, the command line the engine would run to build it. Builds nothing. */
export async function engineArgvs(
  plan: EnvironmentPlan,
  engine: BuildEngine,
  options: RequestExtras & { signal?: AbortSignal } = {},
): Promise<Map<string, EngineArgv>> {
  const { signal, ...extras } = options;
  const argvs = await Promise.all(
    plan.services.map((service) =>
      engine.argv({ ...engineRequest(plan, service, extras), ...(signal !== undefined && { signal }) }),
    ),
  );
  return new Map(plan.services.map((service, index) => [service.service, argvs[index]!]));
}
