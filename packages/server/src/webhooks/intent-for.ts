import type { Intent } from '@deployer/state';
import type { RepositoryConfig, ServerConfig } from '../config/server-config-schema.js';
import { RepositoryPayload, readPayload } from './event-payloads.js';
import { pullRequestIntent } from './pull-request-intent.js';
import { pushIntent } from './push-intent.js';
import type { VerifiedDelivery } from './verify-delivery.js';
import { WebhookError } from './webhook-error.js';

/** The repository (its name as the config writes it) and what the delivery asks of it. */
export interface DeliveryIntent {
  repository: string;
  intent: Intent;
}

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

/**
 * Maps a verified delivery to its repository and intent (the server README, "Webhooks"): pull_request events
 * build, close (merged or not) or are ignored (pull-request-intent.ts); pushes build the fallback or a
 * listed branch's environment, or tear a deleted branch's down (push-intent.ts); ping, other events and
 * actions → ignore with the reason. A repository not in the config is a 404, a missing or malformed field
 * a 400 (WebhookError).
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
