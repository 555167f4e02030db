import { countQueuedJobs, type State } from '@deployer/state';
import type { FastifyInstance } from 'fastify';

export interface HealthRoutesOptions {
  state: State;
  /** True once the server stops taking work (SIGTERM): a load balancer should stop sending any. */
  draining: () => boolean;
}

/** `/healthz`: the process answers. `/readyz`: the database answers and the server is not draining. */
export async function healthRoutes(app: FastifyInstance, options: HealthRoutesOptions): Promise<void> {
  app.get('/healthz', async () => ({ ok: true }));
  app.get('/readyz', async (_request, reply) => {
    if (options.draining()) return reply.code(503).send({ ok: false, reason: 'draining' });
    try {
      await countQueuedJobs(options.state);
      return { ok: true };
    } catch (error) {
      return reply.code(503).send({
        ok: false,
        reason: `database: ${error instanceof Error ? error.message : String(error)}`,
      });
    }
  });
}
