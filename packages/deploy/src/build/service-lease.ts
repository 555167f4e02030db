import { type HeldLease, holdLease } from '../coordination/writer-lease.js';
import type { ServicePlan } from '../plan/plan-environment.js';
import type { DeployEventBody } from './events.js';
import type { RunContext } from './run-context.js';

/**
 * The export ref's lease, held while this run writes the environment's cache ref (a build, or a skipped
 * service's cache refresh); none without a registry or a lease in the plan. `warmUp`: load the engine
 * while the registry stores the claim (only a build uses the engine).
 */
export async function leaseFor(
  service: ServicePlan,
  context: RunContext,
  signal: AbortSignal,
  warmUp = true,
): Promise<HeldLease | undefined> {
  const leaseRef = service.cache.lease?.ref;
  if (context.registry === undefined || leaseRef === undefined || service.cache.export === null) {
    return undefined;
  }
  const emit = (event: DeployEventBody) => context.emit(service.service, event);
  return holdLease({
    registry: context.registry,
    leaseRef,
    runId: context.leaseRun.runId,
    host: context.leaseRun.host,
    startedAt: context.leaseRun.startedAt,
    pollMs: context.leaseRun.pollMs,
    handoverMs: context.leaseRun.handoverMs,
    staleAfterMs: context.leaseRun.staleAfterMs,
    signal,
    newerRuns: context.leaseRun.newerRuns,
    warn: (message) => emit({ type: 'warning', message }),
    tookOver: (previous, waitMs) =>
      emit({ type: 'took-over', runId: previous.runId, host: previous.host ?? null, waitMs }),
    ...(warmUp && { whileClaiming: () => context.engine.warmUp?.() }),
  });
}
