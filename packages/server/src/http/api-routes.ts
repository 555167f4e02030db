import {
  getEnvironment,
  listEnvironments,
  listHookDeliveries,
  requestRebuild,
  revokeAllSessions,
  type State,
} from '@deployer/state';
import type { FastifyInstance } from 'fastify';
import { hookDeliveriesLimit } from '../hooks/hook-deliveries-query.js';
import { hasBearerToken } from './bearer-token.js';
import { detailView, summaryView } from './environment-view.js';
import { HttpRequestError } from './http-error.js';
import { requestTarget } from './request-target.js';

export interface ApiRoutesOptions {
  state: State;
  /** The API's bearer token; without one every API request is refused. */
  apiToken: string | undefined;
  onRebuild?: () => void;
}

/**
 * The JSON API, every route behind `Authorization: Bearer <token>`: environments, one environment (with
 * `?repository=owner/name` where a build uuid such as a fallback's `main` names several), a rebuild, and
 * the revocation of every status page session. A bearer token is never sent by a browser on its own, so
 * these need no CSRF token.
 */
export async function apiRoutes(app: FastifyInstance, options: ApiRoutesOptions): Promise<void> {
  app.addHook('onRequest', async (request) => {
    if (!hasBearerToken(request.headers.authorization, options.apiToken)) {
      throw new HttpRequestError(
        401,
        'UNAUTHORIZED',
        options.apiToken
          ? "the Authorization header must be `Bearer <API token>` with the server's API token"
          : 'the API is off: start the server with DEPLOYER_API_TOKEN set',
      );
    }
  });
  app.get('/api/environments', async () => ({
    environments: (await listEnvironments(options.state)).map(summaryView),
  }));
  app.get('/api/environments/:buildUuid', async (request) => {
    const { buildUuid, repository } = requestTarget(request);
    const found = await getEnvironment(options.state, buildUuid, repository);
    if (found.length === 0) throw notFound(buildUuid, repository);
    if (found.length > 1)
      throw ambiguous(
        buildUuid,
        found.map((environment) => environment.repository),
      );
    return detailView(found[0]!);
  });
  app.post('/api/environments/:buildUuid/rebuild', async (request, reply) => {
    const { buildUuid, repository } = requestTarget(request);
    const result = await requestRebuild(options.state, buildUuid, repository);
    if ('error' in result) {
      if (result.error === 'not-found') throw notFound(buildUuid, repository);
      if (result.error === 'ambiguous') throw ambiguous(buildUuid, []);
      throw new HttpRequestError(
        409,
        'ENVIRONMENT_DELETED',
        `environment ${buildUuid} is deleted; reopen its pull request to build it again`,
      );
    }
    options.onRebuild?.();
    return reply.code(202).send({ buildUuid, buildId: result.buildId });
  });
  // Signs every browser out on every replica (the sessions live in the shared state), the API token
  // unchanged: after a lost laptop, or when someone should no longer steer the server.
  // Outgoing hooks' deliveries, newest first, as every replica recorded them.
  app.get('/api/hooks/deliveries', async (request) => ({
    deliveries: await listHookDeliveries(options.state, { limit: hookDeliveriesLimit(request.query) }),
  }));
  app.post('/api/sessions/revoke', async () => ({ revoked: await revokeAllSessions(options.state) }));
}

function notFound(buildUuid: string, repository: string | undefined): HttpRequestError {
  return new HttpRequestError(
    404,
    'ENVIRONMENT_NOT_FOUND',
    `no environment ${buildUuid}${repository ? ` in ${repository}` : ''}`,
  );
}

function ambiguous(buildUuid: string, repositories: readonly string[]): HttpRequestError {
  return new HttpRequestError(
    409,
    'AMBIGUOUS_ENVIRONMENT',
    `several repositories have an environment ${buildUuid}${repositories.length ? ` (${repositories.join(', ')})` : ''}: add ?repository=owner/name`,
  );
}
