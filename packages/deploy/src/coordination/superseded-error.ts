import { CodedError, type LeaseHolder } from '@deployer/contracts';

/** The run that superseded this one, as far as it is known. */
export interface NewerRun {
  /** Its run id, as its lease names it; unknown for a newer run of this process (see `sequence`). */
  runId?: string;
  /** The machine it runs on, where its lease names one. */
  host?: string;
  /** When it started, where its lease says so. */
  startedAt?: Date;
  /** Its sequence number in this process's `Supersession`; only for a newer run of this process. */
  sequence?: number;
}

/**
 * Why a build was stopped, or never started: a newer run of the environment writes its cache. Raised in one
 * process by `Supersession` (a newer claim on the export ref) and across processes by the registry lease
 * (a newer run holds it); one type either way, so callers need one `instanceof` (or `code`) check.
 */
export class SupersededError extends CodedError<'SUPERSEDED'> {
  override readonly name = 'SupersededError';
  /** The ref the newer run claimed: the export ref (in-process) or the export ref's lease ref. */
  readonly ref: string;
  readonly newerRun: NewerRun;

  private constructor(message: string, ref: string, newerRun: NewerRun) {
    super('SUPERSEDED', message);
    this.ref = ref;
    this.newerRun = newerRun;
  }

  /** A newer run of this process (its `Supersession` sequence number) claimed the export ref `ref`. */
  static inProcess(ref: string, sequence: number): SupersededError {
    return new SupersededError(`superseded by a newer run (#${sequence}) writing ${ref}`, ref, {
      sequence,
    });
  }

  /** A newer run, of any process, holds the lease at `leaseRef`. */
  static byLease(leaseRef: string, holder: LeaseHolder): SupersededError {
    const host = holder.host === undefined ? '' : ` on ${holder.host}`;
    return new SupersededError(`superseded by run ${holder.runId}${host}`, leaseRef, { ...holder });
  }
}
