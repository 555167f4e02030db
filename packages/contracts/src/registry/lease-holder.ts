/**
 * Who holds a lease on an environment's cache ref: the registry client stores it, the LeaseRegistry port
 * returns it, and orchestration compares it with its own run.
 */
export interface LeaseHolder {
  /** Unique per run (one `deployer build`), e.g. a random UUID. */
  runId: string;
  /** When this holder claimed the lease. */
  startedAt: Date;
  /** The machine the run is on, for messages such as "superseded by run … on ci-runner-7". */
  host?: string;
}
