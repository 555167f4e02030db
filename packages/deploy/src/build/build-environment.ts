import { defaultSupersession } from '../coordination/supersession.js';
import type { EnvironmentPlan } from '../plan/plan-environment.js';
import { checkSecretSources, secretMasking } from '../secrets/secret-masking.js';
import type { DeployEventBody } from './events.js';
import type { BuildEnvironmentOptions } from './options.js';
import { type BuildReport, type ServiceResult, summarize } from './report.js';
import { resolveRunLease } from './run-context.js';
import { schedule } from './scheduler.js';
import { runService } from './service-run.js';

const defaultConcurrency = 4;

/**
 * Builds an environment's plan through the engine: dependencies first, at most `concurrency` at once
 * (scheduler.ts), one writer per cache ref (service-run.ts). Never throws for a failed build (see the
 * report); throws only for bad input, before anything started. Secret values are masked (`***`) in every
 * event, result and error it gives back (see SecretMasker).
 */
export async function buildEnvironment(
  plan: EnvironmentPlan,
  options: BuildEnvironmentOptions,
): Promise<BuildReport> {
  await checkSecretSources(plan, options.env);
  const { masker, warnings } = await secretMasking(plan, options.env);
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency));
  const supersession = options.supersession ?? defaultSupersession;
  const run = supersession.startRun();
  const leaseRun = resolveRunLease(options.lease);
  const startedAt = new Date();
  const emit = (service: string, event: DeployEventBody): void => {
    try {
      options.onEvent?.(masker.maskDeep({ buildUuid: plan.buildUuid, service, event }));
    } catch {
      // A broken listener must not break builds.
    }
  };

  const cancel = new AbortController();
  const onOuterAbort = () => cancel.abort(new Error('the run was aborted'));
  if (options.signal?.aborted) onOuterAbort();
  options.signal?.addEventListener('abort', onOuterAbort, { once: true });

  for (const service of plan.services) emit(service.service, { type: 'queued' });
  for (const warning of warnings) emit(warning.service, { type: 'warning', message: warning.message });

  let results: Map<string, ServiceResult>;
  try {
    results = await schedule({
      services: plan.services,
      concurrency,
      keepGoing: options.keepGoing === true,
      cancel,
      run: (service) =>
        runService(service, { ...options, plan, run, supersession, leaseRun, cancel: cancel.signal, emit }),
      finished: (unmasked) => {
        const result = masker.maskDeep(unmasked);
        emit(result.service, { type: 'finished', result });
        return result;
      },
    });
  } catch (error) {
    if (error instanceof Error) error.message = masker.mask(error.message);
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onOuterAbort);
  }

  return summarize(
    plan.services.map((service) => results.get(service.service)!),
    {
      buildUuid: plan.buildUuid,
      runId: leaseRun.runId,
      fallbacks: plan.fallbacks,
      importOrder: plan.importOrder,
      engine: options.engine.name,
      startedAt,
      durationMs: Date.now() - startedAt.getTime(),
    },
  );
}
