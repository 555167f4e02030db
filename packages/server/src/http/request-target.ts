import type { BuildUuid } from '@deployer/contracts';
import { isBuildUuid } from '@deployer/deploy';
import type { FastifyRequest } from 'fastify';
import { HttpRequestError } from './http-error.js';

/** A GitHub full name: owner (at most 39 characters) / name (at most 100), as the server config writes it. */
const repositoryPattern = /^[A-Za-z0-9][A-Za-z0-9-]{0,38}\/(?!\.\.?$)[A-Za-z0-9._-]{1,100}$/;

/**
 * The environment a request names: `:buildUuid` in the path and an optional `?repository=owner/name`,
 * both checked here, once, before they reach the database (a NUL byte there is a database error, an
 * over-long value a wasted query): a build uuid the server could have made, a repository name GitHub
 * could have (deploy's rule, which narrows it to a BuildUuid for the state's queries). Anything else is a
 * 400 naming the parameter and the rule (never echoing the value, which may be long).
 */
export function requestTarget(request: FastifyRequest): { buildUuid: BuildUuid; repository?: string } {
  const { buildUuid } = request.params as { buildUuid: string };
  const { repository } = request.query as { repository?: unknown };
  if (!isBuildUuid(buildUuid)) {
    throw new HttpRequestError(
      400,
      'INVALID_BUILD_UUID',
      'path parameter buildUuid: must be a build uuid, lower-case letters and digits in groups separated by single dashes, at most 63 characters (e.g. wandering-credit-924200)',
    );
  }
  if (repository !== undefined && (typeof repository !== 'string' || !repositoryPattern.test(repository))) {
    throw new HttpRequestError(
      400,
      'INVALID_QUERY',
      'query parameter repository: must be one GitHub full name, owner/name (at most 39 and 100 characters)',
    );
  }
  return { buildUuid, ...(repository !== undefined && { repository }) };
}
