import { type DaemonLoad, placeBuild } from './bounded-load.js';

interface Waiter {
  order: readonly string[];
  excluded: ReadonlySet<string>;
  settle: (daemon: string | null) => void;
}

/**
 * The build slots of every daemon in one process: `acquire` places a build by bounded-load routing
 * (placeBuild) and, when every available daemon is full, waits in line until a slot frees. Waiters are
 * served first come, first served, each on the first daemon of its own order with a free slot.
 */
export class DaemonSlots {
  readonly #loads = new Map<string, DaemonLoad>();
  readonly #waiters: Waiter[] = [];

  constructor(capacities: ReadonlyMap<string, number>) {
    for (const [daemon, capacity] of capacities) {
      this.#loads.set(daemon, { running: 0, capacity, available: true });
    }
  }

  /** Builds running on each daemon now, for events and tests. */
  running(daemon: string): number {
    return this.#loads.get(daemon)?.running ?? 0;
  }

  capacity(daemon: string): number {
    return this.#loads.get(daemon)?.capacity ?? 0;
  }

  isAvailable(daemon: string): boolean {
    return this.#loads.get(daemon)?.available ?? false;
  }

  /**
   * A slot on the first daemon in `order` (minus `excluded`) that is available and not full; null when
   * none of them is available, now or after waiting (they went down meanwhile), or when `signal` aborts.
   */
  acquire(
    order: readonly string[],
    excluded: ReadonlySet<string>,
    signal?: AbortSignal,
  ): Promise<string | null> {
    if (signal?.aborted) return Promise.resolve(null);
    const placement = placeBuild(order, this.#loads, excluded);
    if (placement.kind === 'placed') return Promise.resolve(this.#take(placement.daemon));
    if (placement.kind === 'none') return Promise.resolve(null);
    return new Promise((resolve) => {
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve(null);
      };
      const waiter: Waiter = {
        order,
        excluded,
        settle: (daemon) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(daemon);
        },
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  release(daemon: string): void {
    const load = this.#loads.get(daemon);
    if (load !== undefined && load.running > 0) load.running--;
    this.#serveWaiters();
  }

  /** Marks a daemon down (no new builds) or up again; waiters left with no available daemon get null. */
  setAvailable(daemon: string, available: boolean): void {
    const load = this.#loads.get(daemon);
    if (load === undefined || load.available === available) return;
    load.available = available;
    this.#serveWaiters();
  }

  #take(daemon: string): string {
    const load = this.#loads.get(daemon) as DaemonLoad;
    load.running++;
    return daemon;
  }

  #serveWaiters(): void {
    for (let index = 0; index < this.#waiters.length; ) {
      const waiter = this.#waiters[index] as Waiter;
      const placement = placeBuild(waiter.order, this.#loads, waiter.excluded);
      if (placement.kind === 'wait') {
        index++;
        continue;
      }
      this.#waiters.splice(index, 1);
      waiter.settle(placement.kind === 'placed' ? this.#take(placement.daemon) : null);
    }
  }
}
