import type { LeaseHolder } from '@deployer/contracts';
import { SupersededError } from './superseded-error.js';

/**
 * The one answer to "may this run still write the environment's cache?", which the engine's signal, the
 * lease claim and the promotion of the run's export all take from here. A run may not once it is cancelled,
 * once a newer run claimed its export ref in this process or holds its lease in the registry (each aborts a
 * watched signal with a SupersededError), or once any lease of the environment showed a newer run
 * (`newerRuns`): that run builds every service too, so this one promotes nothing.
 */
export class WriteGuard {
  readonly #cancel: AbortSignal;
  readonly #newerRuns: ReadonlyMap<string, LeaseHolder>;
  readonly #supersessions: AbortSignal[] = [];
  #signal: AbortSignal;

  /** `cancel`: the run was cancelled (fail-fast, abort). `newerRuns`: shared by the run's services. */
  constructor(cancel: AbortSignal, newerRuns: ReadonlyMap<string, LeaseHolder>) {
    this.#cancel = cancel;
    this.#newerRuns = newerRuns;
    this.#signal = cancel;
  }

  /** Also stops the run when `supersession` aborts (with a SupersededError): a claim, a held lease. */
  watch(supersession: AbortSignal): void {
    this.#supersessions.push(supersession);
    this.#signal = AbortSignal.any([this.#cancel, ...this.#supersessions]);
  }

  /** Aborted once the run is cancelled or a watched supersession fired: what the engine stops on. */
  get signal(): AbortSignal {
    return this.#signal;
  }

  /**
   * Aborted only once the run is cancelled: for the registry calls that settle a finished build (promotion),
   * which a supersession must not cut short, as it decides against promoting itself.
   */
  get cancelSignal(): AbortSignal {
    return this.#cancel;
  }

  /** The SupersededError that stopped this run (its claim or its lease), or null. */
  supersededBy(): SupersededError | null {
    const stopped = this.#supersessions.find(
      (signal) => signal.aborted && signal.reason instanceof SupersededError,
    );
    return stopped === undefined ? null : (stopped.reason as SupersededError);
  }

  /** Whether a newer run owns the environment's cache: it stopped this run, or some lease showed one. */
  superseded(): boolean {
    return this.#supersessions.some((signal) => signal.aborted) || this.#newerRuns.size > 0;
  }

  /** Whether this run may still write: neither cancelled nor superseded. */
  mayWrite(): boolean {
    return !this.#cancel.aborted && !this.superseded();
  }
}
