import { waitFor } from '../processes.js';
import type { ServeProcess } from './serve-process.js';

export interface EnvironmentJson {
  buildUuid: string;
  repository: string;
  kind: string;
  pullRequest: number | null;
  status: string;
  sha: string;
  services: Array<{
    service: string;
    image: string;
    digest: string | null;
    cacheHitRatio: number;
    status: string;
  }>;
  builds: Array<{
    id: number;
    kind: string;
    sha: string;
    status: string;
    engine: string | null;
    replica: string | null;
    startedAt: string | null;
    finishedAt: string | null;
    error: string | null;
  }>;
}

/** The environment of a pull request (or a fallback by name), once the server has it. */
export async function environmentOf(
  server: ServeProcess,
  match: { pullRequest: number } | { buildUuid: string },
): Promise<EnvironmentJson | undefined> {
  const list = await server.api('/api/environments');
  const summary = (list.body.environments as EnvironmentJson[]).find((environment) =>
    'pullRequest' in match
      ? environment.pullRequest === match.pullRequest
      : environment.buildUuid === match.buildUuid,
  );
  if (summary === undefined) return undefined;
  const detail = await server.api(
    `/api/environments/${summary.buildUuid}?repository=${encodeURIComponent(summary.repository)}`,
  );
  return detail.body as EnvironmentJson;
}

/** Waits until the environment's newest build of `sha` has finished, and its status settled. */
export function settled(
  server: ServeProcess,
  match: { pullRequest: number } | { buildUuid: string },
  until: (environment: EnvironmentJson) => boolean,
  timeoutMs = 120_000,
): Promise<EnvironmentJson> {
  return waitFor(async () => {
    const environment = await environmentOf(server, match);
    return environment && until(environment) ? environment : undefined;
  }, timeoutMs);
}
