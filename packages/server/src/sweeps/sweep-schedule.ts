import { claimSweep } from '@deployer/state';
import { type RepositorySweep, sweepExpiredEnvironments, type TtlSweepOptions } from './ttl-sweep.js';

export interface SweepScheduleOptions extends Omit<TtlSweepOptions, 'now'> {
  replica: string;
  /** How often a sweep runs across all replicas; default one hour. */
  intervalMs?: number;
  onSweep?: (results: RepositorySweep[]) => void;
  onError?: (error: unknown) => void;
}

export interface SweepSchedule {
  stop(): Promise<void>;
}

/**
 * Runs the TTL sweep on a schedule that all replicas share: every replica asks once a minute (or once
 * per interval, if shorter) and the database lets one of them have each interval's sweep, so a team
 * with three replicas still sweeps once an hour.
 */
export function scheduleSweeps(options: SweepScheduleOptions): SweepSchedule {
  const intervalMs = options.intervalMs ?? 3_600_000;
  let current: Promise<void> = Promise.resolve();
  let stopped = false;
  const tick = () => {
    current = (async () => {
      if (stopped) return;
      const claimed = await claimSweep(options.state, {
        name: 'ttl',
        replica: options.replica,
        everySeconds: intervalMs / 1000,
      });
      if (!claimed || stopped) return;
      options.onSweep?.(await sweepExpiredEnvironments(options));
    })().catch((error: unknown) => options.onError?.(error));
  };
  const timer = setInterval(tick, Math.min(60_000, intervalMs));
  timer.unref();
  tick();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await current;
    },
  };
}
