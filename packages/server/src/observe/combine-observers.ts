import type { ClaimedJob } from '@deployer/state';
import type { JobOutcome } from '../worker/job-outcome.js';
import type { JobObserver } from './job-observer.js';

/**
 * Several observers as one: each hears every job's start, events and end, in order. An observer that
 * throws is reported through `onError` and the others still hear it: telling someone about a build
 * (logs, GitHub, a platform's hook) never fails or stops the build.
 */
export function combineObservers(
  observers: readonly JobObserver[],
  onError: (error: unknown) => void,
): JobObserver {
  const each = (call: (observer: JobObserver) => void) => {
    for (const observer of observers) {
      try {
        call(observer);
      } catch (error) {
        onError(error);
      }
    }
  };
  return {
    started: (job: ClaimedJob) => each((observer) => observer.started(job)),
    event: (job, event) => each((observer) => observer.event(job, event)),
    finished: (job: ClaimedJob, outcome: JobOutcome) => each((observer) => observer.finished(job, outcome)),
  };
}
