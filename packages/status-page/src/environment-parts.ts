import { formatAge } from './format.js';
import { html, pagePath, type SafeHtml } from './html.js';
import type { BuildRecord, EnvironmentSummary } from './view-types.js';

/** A status as a labelled badge (its class colours it). */
export function statusBadge(status: string): SafeHtml {
  return html`<span class="status status-${status.replace(/[^a-z_-]/g, '')}">${status}</span>`;
}

/** "#12 Add a cart" for a pull request's environment, "fallback main" for a fallback's. */
export function environmentTitle(environment: EnvironmentSummary): string {
  if (environment.kind === 'fallback') return `fallback ${environment.buildUuid}`;
  const title = environment.pullRequestTitle ? ` ${environment.pullRequestTitle}` : '';
  return `#${environment.pullRequestNumber ?? '?'}${title}`;
}

/** The environment's page: `/environments/<buildUuid>?repository=<name>`. */
export function environmentPath(environment: Pick<EnvironmentSummary, 'buildUuid' | 'repository'>): string {
  return pagePath(['environments', environment.buildUuid], { repository: environment.repository });
}

const busyEnvironment = new Set<EnvironmentSummary['status']>(['queued', 'building', 'deleting']);
const busyBuild = new Set<BuildRecord['status']>(['queued', 'running']);

/** Whether the environment has a build queued or running: its page refreshes itself until it ends. */
export function isInProgress(environment: EnvironmentSummary): boolean {
  return (
    busyEnvironment.has(environment.status) ||
    (environment.lastBuild !== undefined && busyBuild.has(environment.lastBuild.status))
  );
}

/** When the build last moved: finished, else started, else queued. */
export function lastBuildTime(build: BuildRecord): Date {
  return build.finishedAt ?? build.startedAt ?? build.queuedAt;
}

/** A time as "3 min ago", the exact time in its datetime and title. */
export function timeAgo(at: Date, now: Date): SafeHtml {
  const iso = at.toISOString();
  return html`<time datetime="${iso}" title="${iso}">${formatAge(at, now)}</time>`;
}
