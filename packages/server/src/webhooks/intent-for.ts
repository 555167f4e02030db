import type { Intent } from '@deployer/state';
import type { RepositoryConfig, ServerConfig } from '../config/server-config-schema.js';
import { PullRequestPayload, PushPayload, RepositoryPayload, readPayload } from './event-payloads.js';
import type { VerifiedDelivery } from './verify-delivery.js';
import { WebhookError } from './webhook-error.js';

/** The repository (its name as the config writes it) and what the delivery asks of it. */
export interface DeliveryIntent {
  repository: string;
  intent: Intent;
}

const buildActions = new Set(['opened', 'reopened', 'synchronize', 'labeled']);
const zeroSha = /^0+$/;

/** The configured repository a payload names, GitHub names being case-insensitive; else 404. */
export function repositoryFor(delivery: VerifiedDelivery, config: ServerConfig): RepositoryConfig {
  const { repository } = readPayload(RepositoryPayload, delivery.payload, delivery.event);
  const wanted = repository.full_name.toLowerCase();
  const found = config.repositories.find((candidate) => candidate.name.toLowerCase() === wanted);
  if (found === undefined) {
    throw new WebhookError(
      404,
      'UNKNOWN_REPOSITORY',
      `repository.full_name: unknown repository ${repository.full_name} (not in the server config)`,
    );
  }
  return found;
}

function pullRequestIntent(delivery: VerifiedDelivery, repository: RepositoryConfig): Intent {
  const payload = readPayload(PullRequestPayload, delivery.payload, delivery.event);
  const { action, number, pull_request: pullRequest } = payload;
  const labels = pullRequest.labels.map((label) => label.name);
  if (action === 'closed') return { type: 'close-pull-request', number };
  // A label change on a closed pull request neither builds nor tears down again.
  if (pullRequest.state !== 'open') {
    return {
      type: 'ignore',
      reason: `pull_request ${action}: pull request #${number} is ${pullRequest.state}`,
    };
  }
  const gate = repository.label;
  if (action === 'unlabeled' && gate !== undefined && payload.label?.name === gate) {
    return { type: 'close-pull-request', number };
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
  };
}

function pushIntent(delivery: VerifiedDelivery, repository: RepositoryConfig): Intent {
  const payload = readPayload(PushPayload, delivery.payload, delivery.event);
  const defaultRef = `refs/heads/${payload.repository.default_branch}`;
  if (payload.ref !== defaultRef) {
    return { type: 'ignore', reason: `push to ${payload.ref}: not the default branch ${defaultRef}` };
  }
  if (payload.deleted === true || zeroSha.test(payload.after)) {
    return { type: 'ignore', reason: `push to ${payload.ref}: the branch was deleted` };
  }
  return { type: 'build-fallback', fallback: repository.fallback, sha: payload.after };
}

/**
 * Maps a verified delivery to its repository and intent (serve-design.md, "Webhooks"): pull_request
 * opened/reopened/synchronize/labeled → build-pull-request at the head SHA (with a `label` gate, only while
 * the pull request carries it); closed, or unlabeled of the gate → close-pull-request; push to the default
 * branch → build-fallback; ping, other events and actions → ignore with the reason. A repository not in the
 * config is a 404, a missing or malformed field a 400 (WebhookError).
 */
export function intentFor(delivery: VerifiedDelivery, config: ServerConfig): DeliveryIntent {
  const repository = repositoryFor(delivery, config);
  const intent: Intent =
    delivery.event === 'pull_request'
      ? pullRequestIntent(delivery, repository)
      : delivery.event === 'push'
        ? pushIntent(delivery, repository)
        : {
            type: 'ignore',
            reason: delivery.event === 'ping' ? 'ping' : `event ${delivery.event} is not handled`,
          };
  return { repository: repository.name, intent };
}
