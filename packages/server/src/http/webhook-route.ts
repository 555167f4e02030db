import { generateBuildUuid } from '@deployer/deploy';
import { acceptDelivery, type State } from '@deployer/state';
import type { FastifyInstance } from 'fastify';
import type { ServerConfig } from '../config/server-config-schema.js';
import { intentFor } from '../webhooks/intent-for.js';
import { verifyDelivery } from '../webhooks/verify-delivery.js';
import { WebhookError } from '../webhooks/webhook-error.js';

export interface WebhookRouteOptions {
  state: State;
  config: ServerConfig;
  secret: string;
  maxBodyBytes: number;
  /** A delivery was stored with work to do (wakes this replica's worker). */
  onAccepted?: () => void;
  /** Every delivery's result: `accepted`, `duplicate`, `ignored` or the refusal's code. */
  onDelivery?: (result: string, deliveryId: string | undefined) => void;
}

/**
 * `POST /webhooks/github`: the raw body (never re-serialised JSON) is checked against
 * `X-Hub-Signature-256` before anything is parsed or stored; the delivery and its intent are stored in
 * one transaction, and 202 answers as soon as they are. A delivery id seen before changes nothing.
 */
export async function webhookRoute(app: FastifyInstance, options: WebhookRouteOptions): Promise<void> {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.maxBodyBytes },
    (_request, body, done) => done(null, body),
  );
  app.post('/webhooks/github', async (request, reply) => {
    const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    let deliveryId: string | undefined;
    try {
      const delivery = await verifyDelivery({
        headers: request.headers,
        rawBody,
        secret: options.secret,
        maxBytes: options.maxBodyBytes,
      });
      deliveryId = delivery.deliveryId;
      const { repository, intent } = intentFor(delivery, options.config);
      const stored = await acceptDelivery(
        options.state,
        {
          deliveryId: delivery.deliveryId,
          event: delivery.event,
          ...(delivery.action !== undefined && { action: delivery.action }),
          repository,
        },
        intent,
        () => generateBuildUuid(),
      );
      const result = stored.duplicate ? 'duplicate' : intent.type === 'ignore' ? 'ignored' : 'accepted';
      options.onDelivery?.(result, deliveryId);
      if (result === 'accepted') options.onAccepted?.();
      return reply.code(202).send({
        delivery: delivery.deliveryId,
        result,
        ...(intent.type === 'ignore' && { reason: intent.reason }),
        ...(stored.buildUuid !== undefined && { buildUuid: stored.buildUuid }),
      });
    } catch (error) {
      if (error instanceof WebhookError) {
        options.onDelivery?.(error.code, deliveryId);
        return reply.code(error.status).send({ error: error.code, message: error.message });
      }
      throw error;
    }
  });
}
