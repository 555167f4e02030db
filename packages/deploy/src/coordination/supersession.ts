import { SupersededError } from './superseded-error.js';

/*
 * One writer per cache ref inside one deployer process. Every run takes a sequence number when it starts;
 * a service build claims its export ref with it. A newer claim aborts the older holder and waits until it
 * has stopped before writing; an older claim arriving after a newer one never builds.
 *
 * Across processes or machines the registry lease (writer-lease.ts) does the same, coarser: by polling.
 */

interface Holder {
  run: number;
  controller: AbortController;
  released: Promise<void>;
}

export interface Claim {
  /** Aborted with a SupersededError when a newer run claims the same key. */
  readonly signal: AbortSignal;
  /** Resolves once the previous holder has stopped; rejects with SupersededError if superseded meanwhile. */
  readonly ready: Promise<void>;
  release(): void;
}

export class Supersession {
  #nextRun = 0;
  readonly #newest = new Map<string, number>();
  readonly #holders = new Map<string, Holder>();

  /** A sequence number for a new run: later runs get larger numbers. */
  startRun(): number {
    this.#nextRun += 1;
    return this.#nextRun;
  }

  /** Claims `key` (a cache export ref) for `run`. Always `release()` the claim, whatever happened. */
  claim(key: string, run: number): Claim {
    const controller = new AbortController();
    let release!: () => void;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const newest = this.#newest.get(key) ?? 0;
    if (newest > run) {
      controller.abort(SupersededError.inProcess(key, newest));
      release();
      return {
        signal: controller.signal,
        ready: Promise.reject(controller.signal.reason),
        release: () => {},
      };
    }
    this.#newest.set(key, run);
    const previous = this.#holders.get(key);
    const holder: Holder = { run, controller, released };
    this.#holders.set(key, holder);
    previous?.controller.abort(SupersededError.inProcess(key, run));

    const ready = (async () => {
      await previous?.released;
      if (controller.signal.aborted) throw controller.signal.reason;
    })();
    ready.catch(() => {}); // observed by the caller; keep an unawaited rejection from being reported
    return {
      signal: controller.signal,
      ready,
      release: () => {
        if (this.#holders.get(key) === holder) this.#holders.delete(key);
        release();
      },
    };
  }
}

/** The process-wide registry the orchestrator uses unless given another. */
export const defaultSupersession = new Supersession();
