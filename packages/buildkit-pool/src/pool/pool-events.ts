/** What the pool does, for logs, tests and benchmarks (`BuildkitPoolOptions.onEvent`). */
export type PoolEvent =
  /** The run's daemons: the list expanded (dns:// resolved) and health-checked. */
  | { type: 'daemons'; daemons: readonly { daemon: string; capacity: number; up: boolean }[] }
  /** A daemon did not answer its health check or lost a build: no new builds until `untilMs` (epoch). */
  | { type: 'daemon-down'; daemon: string; reason: string; untilMs: number }
  /** Its cool-down is over: it takes builds again (a failing build sends it back). */
  | { type: 'daemon-up'; daemon: string }
  /** A build took a slot: `running` counts it, never more than `capacity`. */
  | {
      type: 'build-started';
      daemon: string;
      buildUuid: string | null;
      service: string;
      /** The key's own daemon is hop 0; each full daemon passed over adds one. */
      preferred: string;
      running: number;
      capacity: number;
    }
  /** A build gave its slot back; `running` no longer counts it. */
  | {
      type: 'build-finished';
      daemon: string;
      buildUuid: string | null;
      service: string;
      outcome: 'built' | 'failed' | 'daemon-failed';
      running: number;
    };
