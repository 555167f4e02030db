import type { State } from '@deployer/state';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { type Logger, pino } from 'pino';
import type { ServerConfig } from '../config/server-config-schema.js';
import type { ServerMetrics } from '../metrics/index.js';
import { apiRoutes } from './api-routes.js';
import { healthRoutes } from './health-routes.js';
import { HttpRequestError } from './http-error.js';
import { metricsRoute } from './metrics-route.js';
import { pageRoutes } from './page-routes.js';
import { webhookRoute } from './webhook-route.js';

export interface ServerAppOptions {
  state: State;
  config: ServerConfig;
  webhookSecret: string;
  apiToken: string | undefined;
  /** Largest webhook body taken; default 1 MiB (GitHub caps payloads at 25 MiB, most are a few KiB). */
  maxBodyBytes?: number;
  draining?: () => boolean;
  /** New work was stored (a delivery, a rebuild). */
  onWork?: () => void;
  onDelivery?: (result: string, deliveryId: string | undefined) => void;
  metrics?: ServerMetrics;
  /** Errors inside a request handler go here (requests themselves are not logged line by line). */
  logger?: Logger;
}

/**
 * The HTTP app: webhooks, the API, the status pages, metrics and health checks. Listening is the
 * caller's (see `startServer`).
 */
export async function createServerApp(options: ServerAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    // A logger either way keeps one instance type; requests themselves are not logged line by line.
    loggerInstance: (options.logger ?? pino({ enabled: false })) as FastifyBaseLogger,
    // Through the LogController: the top-level option is deprecated and printed a warning on stderr,
    // the one non-JSON line an operator's log collector would get.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
  });
  app.setErrorHandler((error, request, reply) => {
    if (error instanceof HttpRequestError) {
      return reply.code(error.status).send({ error: error.code, message: error.message });
    }
    const status = (error as { statusCode?: number }).statusCode;
    if (status !== undefined && status >= 400 && status < 500) {
      const code = (error as { code?: string }).code ?? 'BAD_REQUEST';
      // A webhook refused before its route ran (a body over the limit) is still a delivery to count.
      if (request.url.startsWith('/webhooks/')) {
        const deliveryId = request.headers['x-github-delivery'];
        options.onDelivery?.(code, typeof deliveryId === 'string' ? deliveryId : undefined);
      }
      const message =
        code === 'FST_ERR_CTP_BODY_TOO_LARGE'
          ? `request body is larger than the server takes (${options.maxBodyBytes ?? 1024 * 1024} bytes)`
          : (error as Error).message;
      return reply.code(status).send({ error: code, message });
    }
    options.logger?.error({ err: error as Error }, 'request failed');
    return reply.code(500).send({ error: 'INTERNAL', message: 'internal error' });
  });
  await app.register(healthRoutes, { state: options.state, draining: options.draining ?? (() => false) });
  await app.register(webhookRoute, {
    state: options.state,
    config: options.config,
    secret: options.webhookSecret,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    ...(options.onWork && { onAccepted: options.onWork }),
    ...(options.onDelivery && { onDelivery: options.onDelivery }),
  });
  await app.register(apiRoutes, {
    state: options.state,
    apiToken: options.apiToken,
    ...(options.onWork && { onRebuild: options.onWork }),
  });
  await app.register(pageRoutes, {
    state: options.state,
    apiToken: options.apiToken,
    ...(options.onWork && { onRebuild: options.onWork }),
  });
  if (options.metrics) await app.register(metricsRoute, { metrics: options.metrics });
  return app;
}
