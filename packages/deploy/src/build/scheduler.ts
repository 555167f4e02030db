import type { ServicePlan } from '../plan/plan-environment.js';
import type { ServiceResult } from './report.js';
import { baseResult, cancelledResult, supersededResult } from './service-result.js';

export interface ScheduleInput {
  services: readonly ServicePlan[];
  /** Runs at once, at least 1. */
  concurrency: number;
  /** Keep running what does not depend on a failure; otherwise the first failure aborts `cancel`. */
  keepGoing: boolean;
  /** Aborted: nothing more starts (every waiting service is `cancelled`); runs in flight stop on it. */
  cancel: AbortController;
  /** One service's run; never rejects (a failure is a result). */
  run(service: ServicePlan): Promise<ServiceResult>;
  /** Every result, run or blocked, once known; returns the result to keep (e.g. masked). */
  finished(result: ServiceResult): ServiceResult;
}

/**
 * What runs when: a service starts once every dependency in the plan has a result, at most `concurrency`
 * at once; a dependency that failed or was superseded passes that on to its dependents without running
 * them. Returns every service's result, by service name.
 */
export async function schedule(input: ScheduleInput): Promise<Map<string, ServiceResult>> {
  const { cancel } = input;
  const inPlan = new Set(input.services.map((service) => service.service));
  const results = new Map<string, ServiceResult>();
  const running = new Map<string, Promise<void>>();
  let waiting = [...input.services];

  const finish = (unkept: ServiceResult): void => {
    const result = input.finished(unkept);
    results.set(result.service, result);
    const ownFailure = result.status === 'failed' && result.failure?.cause !== 'cancelled';
    if (ownFailure && !input.keepGoing && !cancel.signal.aborted) {
      cancel.abort(new Error(`${result.service} failed`));
    }
  };

  while (waiting.length > 0 || running.size > 0) {
    const still: ServicePlan[] = [];
    for (const service of waiting) {
      const blocked = blockedResult(service, results, cancel.signal);
      if (blocked !== null) finish(blocked);
      else still.push(service);
    }
    waiting = still;
    for (const service of [...waiting]) {
      if (running.size >= input.concurrency) break;
      const ready = service.dependsOn.every(
        (dependency) => !inPlan.has(dependency) || results.has(dependency),
      );
      if (!ready) continue;
      waiting = waiting.filter((other) => other !== service);
      const task = input
        .run(service)
        .then(finish)
        .finally(() => running.delete(service.service));
      running.set(service.service, task);
    }
    if (running.size === 0) break;
    await Promise.race(running.values());
  }
  return results;
}

/** The result of a service that cannot start: the run was cancelled or a dependency did not succeed. */
function blockedResult(
  service: ServicePlan,
  results: ReadonlyMap<string, ServiceResult>,
  cancelled: AbortSignal,
): ServiceResult | null {
  if (cancelled.aborted) {
    return cancelledResult(service, `not started: ${(cancelled.reason as Error).message}`);
  }
  for (const dependency of service.dependsOn) {
    const status = results.get(dependency)?.status;
    if (status === 'failed') {
      return {
        ...baseResult(service),
        reason: `dependency ${dependency} failed`,
        failure: { cause: 'dependency' },
      };
    }
    if (status === 'superseded') {
      return supersededResult(service, `dependency ${dependency} was superseded`);
    }
  }
  return null;
}
