import { readFileSync } from 'node:fs';
import { staticBusybox } from '../buildkit-daemon.js';
import type { EnvironmentJson } from './environments.js';
import { type Json, pullRequestPayload } from './webhook-payloads.js';

/*
 * The two-service repository the warm-merge suites build, and what they read back. Each service is
 * FROM scratch with five counted steps, every one its own (the service's name is in each, so the two
 * services never share a step on the daemon):
 *   1 COPY busybox   2 RUN one   3 RUN two   4 COPY marker   5 RUN last
 * A pull request that changes `marker` changes steps 4–5; the next one, changing only `last`, step 5. So a
 * cache as fresh as the marker gives 4 of 5 steps per service (8 of 10), one a marker behind 3 of 5 (6 of
 * 10: its COPY marker misses), and the figures can only be told apart by where the cache came from.
 */
export const warmServices = ['web', 'api'] as const;
export const stepsPerService = 5;

let busybox: Buffer | undefined;

/** The repository's files at one state: each service's marker and last step. */
export function warmFiles(
  registryHost: string,
  state: { marker: string; last?: string },
): Record<string, string | Uint8Array> {
  busybox ??= readFileSync(staticBusybox()!);
  const files: Record<string, string | Uint8Array> = {
    'deploy/env.yaml': [
      'registry:',
      `  host: ${registryHost}`,
      '  repository: warm',
      '  insecure: true',
      'services:',
      ...warmServices.map((service) => `  ${service}: { context: ../${service} }`),
      '',
    ].join('\n'),
  };
  for (const service of warmServices) {
    files[`${service}/busybox`] = busybox;
    files[`${service}/marker`] = `${service} ${state.marker}\n`;
    files[`${service}/Dockerfile`] = [
      'FROM scratch',
      `SHELL ["/${service}/busybox", "sh", "-c"]`,
      `COPY --chmod=755 busybox /${service}/busybox`,
      `RUN echo ${service} one > /${service}/one`,
      `RUN echo ${service} two > /${service}/two`,
      `COPY marker /${service}/marker`,
      `RUN echo ${service} last ${state.last ?? 'first'} > /${service}/last`,
      '',
    ].join('\n');
  }
  return files;
}

/** GitHub's example `pull_request` payload with the branches, and for a merge its commit, set. */
export function pullRequestEvent(options: {
  action: 'opened' | 'synchronize' | 'closed';
  repository: string;
  number: number;
  headSha: string;
  head: string;
  base?: string;
  /** closed by a merge, at this commit (GitHub's `merge_commit_sha`). */
  mergeCommitSha?: string;
}): Record<string, Json> {
  const payload = pullRequestPayload(options);
  const pullRequest = payload.pull_request;
  pullRequest.head.ref = options.head;
  pullRequest.head.label = `${options.repository.split('/')[0]}:${options.head}`;
  pullRequest.base.ref = options.base ?? 'main';
  pullRequest.base.label = `${options.repository.split('/')[0]}:${pullRequest.base.ref}`;
  for (const side of [pullRequest.head, pullRequest.base]) {
    if (side.repo) {
      side.repo.full_name = options.repository;
      side.repo.name = options.repository.split('/')[1];
    }
  }
  pullRequest.merged = options.mergeCommitSha !== undefined;
  pullRequest.merge_commit_sha = options.mergeCommitSha ?? null;
  pullRequest.merged_at = options.mergeCommitSha === undefined ? null : new Date().toISOString();
  return payload;
}

/** One entry of a build's import order, as the stored report carries it. */
export interface ImportSource {
  buildUuid: string;
  source: string;
  why: string;
}

/** The parts of deploy's stored build report these suites read. */
export interface StoredReport {
  buildUuid: string;
  importOrder?: ImportSource[];
  services: Array<{
    service: string;
    status: string;
    steps: { total: number; cached: number; shared: number };
    cacheRefresh?: { status: string; from: string | null; reason: string };
  }>;
}

type BuildWithReport = EnvironmentJson['builds'][number] & { report?: StoredReport | null };

/** The report of the environment's newest succeeded build (of `sha`, when given). */
export function newestReport(environment: EnvironmentJson, sha?: string): StoredReport {
  const build = (environment.builds as BuildWithReport[]).find(
    (candidate) =>
      candidate.kind === 'build' &&
      candidate.status === 'succeeded' &&
      (sha === undefined || candidate.sha === sha),
  );
  if (build?.report == null) {
    throw new Error(`no succeeded build${sha ? ` of ${sha}` : ''}: ${JSON.stringify(environment.builds)}`);
  }
  return build.report;
}

/** Cached and counted steps over every service of a report: `8/10`. */
export function cachedSteps(report: StoredReport): string {
  const cached = report.services.reduce((sum, service) => sum + service.steps.cached, 0);
  const total = report.services.reduce((sum, service) => sum + service.steps.total, 0);
  return `${cached}/${total}`;
}

/** The report's import order as `uuid (why)` lines, own cache first. */
export function importOrderOf(report: StoredReport): string[] {
  return (report.importOrder ?? []).map((entry) => `${entry.buildUuid} (${entry.why})`);
}
