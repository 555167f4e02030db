import type { State } from '@deployer/state';
import Fastify, {
  type FastifyBaseLogger,
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  LogController,
} from 'fastify';
import { type Logger, pino } from 'pino';
import type { ServerConfig } from '../config/server-config-schema.js';
import type { ServerMetrics } from '../metrics/index.js';
import { apiRoutes } from './api-routes.js';
import { healthRoutes } from './health-routes.js';
import { HttpRequestError } from './http-error.js';
import { metricsRoute } from './metrics-route.js';
import { pageRoutes } from './page-routes.js';
import { defaultSessionTtlMs } from './sessions.js';
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
  /** The clock of sessions and pages; tests move it. Default the real one. */
  now?: () => Date;
  /** How long a status page sign-in lasts; default 12 hours. */
  sessionTtlMs?: number;
}

const maxPathParameterLength = 1024;

/** The router's refusals: a path parameter over the limit, or a malformed percent-encoding. */
function refuseUrl(error: FastifyError, reply: FastifyReply) {
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    const message = `a path parameter is longer than ${maxPathParameterLength} characters`;
    return reply.code(414).send({ error: 'PATH_PARAMETER_TOO_LONG', message });
  }
  if (error.code === 'FST_ERR_BAD_URL') {
    const message = 'the path is not a valid URL (malformed percent-encoding)';
    return reply.code(400).send({ error: 'INVALID_URL', message });
  }
  return reply.code(error.statusCode ?? 500).send({ error: error.code, message: error.message });
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
    // Long enough that an over-long build uuid reaches its check (a 400 naming the rule); longer still is
    // refused by the router below, before any handler.
    routerOptions: { maxParamLength: maxPathParameterLength },
    // The router's own refusals (a malformed percent-encoding, a path parameter over the limit) answer in
    // the app's shape, without echoing the path back.
    frameworkErrors: (error, _request, reply) => refuseUrl(error, reply as FastifyReply),
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
    pagesPublic: options.config.pages.public,
    now: options.now ?? (() => new Date()),
    sessionTtlMs: options.sessionTtlMs ?? defaultSessionTtlMs,
    ...(options.onWork && { onRebuild: options.onWork }),
  });
  if (options.metrics) await app.register(metricsRoute, { metrics: options.metrics });
  return app;
}
