/**
 * Consistent hashing with bounded loads: a key goes to the first daemon in its ring order that is
 * available and has a free build slot; a full daemon passes the key on to the next one on the ring, so
 * affinity gives way only as far as load requires. Pure: the caller holds the loads.
 */
export interface DaemonLoad {
  /** Builds running on the daemon now. */
  running: number;
  /** Builds it may run at once (`--builds-per-daemon`, or what its health check reported). */
  capacity: number;
  /** False while the daemon is cooling down after failing a health check or a build. */
  available: boolean;
}

export type Placement =
  | {
      kind: 'placed';
      daemon: string /** 0 on the key's own daemon, n when n daemons were full. */;
      hops: number;
    }
  /** Every available daemon is full: wait for a slot. */
  | { kind: 'wait' }
  /** No daemon in the order is available (all cooling down, or excluded). */
  | { kind: 'none' };

export function placeBuild(
  order: readonly string[],
  loads: ReadonlyMap<string, DaemonLoad>,
  excluded: ReadonlySet<string> = new Set(),
): Placement {
  let anyAvailable = false;
  let hops = 0;
  for (const daemon of order) {
    const load = loads.get(daemon);
    if (load === undefined || !load.available || excluded.has(daemon)) continue;
    anyAvailable = true;
    if (load.running < load.capacity) return { kind: 'placed', daemon, hops };
    hops++;
  }
  return anyAvailable ? { kind: 'wait' } : { kind: 'none' };
}
