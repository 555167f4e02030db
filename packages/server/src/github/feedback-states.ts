import type { JobOutcome } from '../worker/job-outcome.js';
import type { CheckConclusion, CommitState, DeploymentState } from './commit-feedback.js';
import type { FeedbackState } from './environment-comment.js';

// How a job's end reads in each of GitHub's vocabularies (check runs, commit statuses, deployments).

export function feedbackStateOf(outcome: JobOutcome): FeedbackState {
  return outcome.status;
}

export const checkConclusion: Record<FeedbackState, CheckConclusion> = {
  queued: 'cancelled',
  building: 'cancelled',
  succeeded: 'success',
  failed: 'failure',
  superseded: 'cancelled',
  cancelled: 'cancelled',
  'torn-down': 'cancelled',
};

export const commitState: Record<FeedbackState, CommitState> = {
  queued: 'pending',
  building: 'pending',
  succeeded: 'success',
  failed: 'failure',
  superseded: 'error',
  cancelled: 'pending',
  'torn-down': 'error',
};

export const deploymentState: Record<FeedbackState, DeploymentState> = {
  queued: 'in_progress',
  building: 'in_progress',
  succeeded: 'success',
  failed: 'failure',
  // An older commit's deployment a newer push replaced: no longer what the environment runs.
  superseded: 'inactive',
  cancelled: 'error',
  'torn-down': 'inactive',
};
