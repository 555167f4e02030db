import type { Intent } from '@deployer/state';
import { branchEnvironment } from '../config/branch-environment.js';
import type { RepositoryConfig } from '../config/server-config-schema.js';
import {
  ClosedPullRequestPayload,
  DefaultBranchPayload,
  PullRequestPayload,
  readPayload,
} from './event-payloads.js';
import type { VerifiedDelivery } from './verify-delivery.js';

const buildActions = new Set(['opened', 'reopened', 'synchronize', 'labeled']);

type PullRequest = ReturnType<typeof readPullRequest>['pull_request'];

function readPullRequest(delivery: VerifiedDelivery) {
  return readPayload(PullRequestPayload, delivery.payload, delivery.event);
}

/**
 * The head branch when it is a branch of this repository, else null: a fork's branch names no branch
 * here, so no pull request into a branch of that name ever warms from a stranger's fork (stacking).
 */
function headRefOf(pullRequest: PullRequest, repositoryName: string): string | null {
  const headRepository = pullRequest.head.repo?.full_name.toLowerCase();
  return headRepository === repositoryName.toLowerCase() ? pullRequest.head.ref : null;
}

/**
 * A `closed` delivery: whether it merged and at which commit; a merged pull request into a branch with an
 * environment (the default branch, or one `branches` lists) has its teardown held for `mergeHold`, until
 * that branch's build has warmed from its caches. Into any other branch nothing would ever use them.
 */
function closeIntent(
  delivery: VerifiedDelivery,
  repository: RepositoryConfig,
  number: number,
  pullRequest: PullRequest,
): Intent {
  const { pull_request: closed } = readPayload(ClosedPullRequestPayload, delivery.payload, delivery.event);
  const baseRef = pullRequest.base.ref;
  const headRef = headRefOf(pullRequest, repository.name);
  if (!closed.merged || closed.merge_commit_sha === null) {
    return { type: 'close-pull-request', number, merged: false, baseRef, headRef };
  }
  const { repository: payloadRepository } = readPayload(
    DefaultBranchPayload,
    delivery.payload,
    delivery.event,
  );
  const held = branchEnvironment(repository, baseRef, payloadRepository.default_branch) !== undefined;
  return {
    type: 'close-pull-request',
    number,
    merged: true,
    mergeCommitSha: closed.merge_commit_sha,
    baseRef,
    headRef,
    holdSeconds: held ? Math.ceil(repository.mergeHoldMs / 1000) : 0,
  };
}

/**
 * pull_request → intent: opened/reopened/synchronize/labeled build at the head SHA (with a `label` gate,
 * only while the pull request carries it), with its base and head branches; closed, or unlabeled of the
 * gate, closes it; anything else is ignored with the reason.
 */
export function pullRequestIntent(delivery: VerifiedDelivery, repository: RepositoryConfig): Intent {
  const payload = readPullRequest(delivery);
  const { action, number, pull_request: pullRequest } = payload;
  const labels = pullRequest.labels.map((label) => label.name);
  if (action === 'closed') return closeIntent(delivery, repository, number, pullRequest);
  // A label change on a closed pull request neither builds nor tears down again.
  if (pullRequest.state !== 'open') {
    return {
      type: 'ignore',
      reason: `pull_request ${action}: pull request #${number} is ${pullRequest.state}`,
    };
  }
  const gate = repository.label;
  if (action === 'unlabeled' && gate !== undefined && payload.label?.name === gate) {
    return { type: 'close-pull-request', number, merged: false };
  }
  if (!buildActions.has(action)) {
    return { type: 'ignore', reason: `pull_request ${action}: changes no environment` };
  }
  if (gate !== undefined && !labels.includes(gate)) {
    return {
      type: 'ignore',
      reason: `pull_request ${action}: pull request #${number} lacks the label ${gate}`,
    };
  }
  return {
    type: 'build-pull-request',
    number,
    headSha: pullRequest.head.sha,
    title: pullRequest.title,
    labels,
    baseRef: pullRequest.base.ref,
    headRef: headRefOf(pullRequest, repository.name),
  };
}
