import { type ClaimedJob, renewClaim, type State } from '@deployer/state';

export type ClaimLoss = 'superseded' | 'claim-lost';

export interface ClaimKeeper {
  /** Aborted when the environment moved on (a newer SHA, a close) or the environment's claim was lost. */
  signal: AbortSignal;
  /** Why `signal` aborted, if it did. */
  loss(): ClaimLoss | undefined;
  stop(): void;
}

/**
 * Renews a claimed job's claim of its environment every second (a third of its length, if shorter). A renewal that finds the claim taken (another
 * replica thought this one dead) or the environment's generation moved past the job aborts the job's
 * work; so does a database that stays unreachable until the claim would have run out, since past that
 * moment another replica may hold it.
 */
export function keepClaim(
  state: State,
  job: ClaimedJob,
  claimSeconds: number,
  onRenewal?: (result: { held: boolean; superseded: boolean }) => void,
): ClaimKeeper {
  const controller = new AbortController();
  let loss: ClaimLoss | undefined;
  let lastHeldAt = Date.now();
  let renewing = false;
  const lose = (why: ClaimLoss) => {
    if (loss !== undefined) return;
    loss = why;
    controller.abort(new Error(why === 'superseded' ? 'superseded by a newer build' : 'claim lost'));
  };
  const timer = setInterval(
    () => {
      if (renewing || loss !== undefined) return;
      renewing = true;
      renewClaim(state, job, claimSeconds)
        .then((result) => {
          onRenewal?.(result);
          if (!result.held) lose('claim-lost');
          else {
            lastHeldAt = Date.now();
            if (result.superseded) lose('superseded');
          }
        })
        .catch(() => {
          if (Date.now() - lastHeldAt > claimSeconds * 1000) lose('claim-lost');
        })
        .finally(() => {
          renewing = false;
        });
    },
    // At least every second: a newer push should stop an older build within a second, not a third of
    // the claim.
    Math.max(100, Math.min(1000, (claimSeconds * 1000) / 3)),
  );
  timer.unref();
  return {
    signal: controller.signal,
    loss: () => loss,
    stop: () => clearInterval(timer),
  };
}
