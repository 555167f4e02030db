import { type ClaimedJob, renewLease, type State } from '@deployer/state';

export type LeaseLoss = 'superseded' | 'lease-lost';

export interface LeaseKeeper {
  /** Aborted when the environment moved on (a newer SHA, a close) or the lease was lost. */
  signal: AbortSignal;
  /** Why `signal` aborted, if it did. */
  loss(): LeaseLoss | undefined;
  stop(): void;
}

/**
 * Renews a claimed job's lease every second (a third of its length, if shorter). A renewal that finds the lease taken (another
 * replica thought this one dead) or the environment's generation moved past the job aborts the job's
 * work; so does a database that stays unreachable until the lease would have run out, since past that
 * moment another replica may hold it.
 */
export function keepLease(
  state: State,
  job: ClaimedJob,
  leaseSeconds: number,
  onRenewal?: (result: { held: boolean; superseded: boolean }) => void,
): LeaseKeeper {
  const controller = new AbortController();
  let loss: LeaseLoss | undefined;
  let lastHeldAt = Date.now();
  let renewing = false;
  const lose = (why: LeaseLoss) => {
    if (loss !== undefined) return;
    loss = why;
    controller.abort(new Error(why === 'superseded' ? 'superseded by a newer build' : 'lease lost'));
  };
  const timer = setInterval(
    () => {
      if (renewing || loss !== undefined) return;
      renewing = true;
      renewLease(state, job, leaseSeconds)
        .then((result) => {
          onRenewal?.(result);
          if (!result.held) lose('lease-lost');
          else {
            lastHeldAt = Date.now();
            if (result.superseded) lose('superseded');
          }
        })
        .catch(() => {
          if (Date.now() - lastHeldAt > leaseSeconds * 1000) lose('lease-lost');
        })
        .finally(() => {
          renewing = false;
        });
    },
    // At least every second: a newer push should stop an older build within a second, not a third of
    // the lease.
    Math.max(100, Math.min(1000, (leaseSeconds * 1000) / 3)),
  );
  timer.unref();
  return {
    signal: controller.signal,
    loss: () => loss,
    stop: () => clearInterval(timer),
  };
}
