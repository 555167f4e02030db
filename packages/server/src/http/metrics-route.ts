import type { FastifyInstance } from 'fastify';
import type { ServerMetrics } from '../metrics/index.js';

/** `GET /metrics`: Prometheus' text format, from this server's own registry. */
export async function metricsRoute(app: FastifyInstance, options: { metrics: ServerMetrics }): Promise<void> {
  app.get('/metrics', async (_request, reply) => {
    const { contentType, body } = await options.metrics.render();
    return reply.type(contentType).send(body);
  });
}
