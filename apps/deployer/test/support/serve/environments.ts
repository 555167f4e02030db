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
export async function settled(
  server: ServeProcess,
  match: { pullRequest: number } | { buildUuid: string },
  until: (environment: EnvironmentJson) => boolean,
  timeoutMs = 90_000,
): Promise<EnvironmentJson> {
  const deadline = Date.now() + timeoutMs;
  let last: EnvironmentJson | undefined;
  for (;;) {
    last = await environmentOf(server, match);
    if (last !== undefined && until(last)) return last;
    // A failure the test did not wait for ends the wait at once, saying why.
    const failed = last?.builds.find((build) => build.status === 'failed');
    if (last?.status === 'failed' && failed !== undefined) {
      throw new Error(`environment ${last.buildUuid} failed at ${failed.sha}: ${failed.error}`);
    }
    if (Date.now() > deadline) {
      throw new Error(`environment never got there in ${timeoutMs} ms; last seen: ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
