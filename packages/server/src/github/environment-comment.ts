import type { ServiceResult } from '@deployer/deploy';

/** Where the environment stands, as the pull request's comment, check run and deployment tell it. */
export type FeedbackState =
  | 'queued'
  | 'building'
  | 'succeeded'
  | 'failed'
  | 'superseded'
  | 'cancelled'
  | 'torn-down';

export interface EnvironmentCommentView {
  buildUuid: string;
  state: FeedbackState;
  /** The commit built (the pull request's head). */
  sha: string;
  /** The build's row in the server (`build-<id>` in logs and the API). */
  buildId: number;
  /** Each service of a finished build; absent before it finishes and after a teardown. */
  services?: readonly ServiceResult[];
  /** The environment's status page, when the config names the server's public URL. */
  link?: string;
}

/**
 * The hidden first line of the environment's comment: how a replica (a restarted one, another one) finds
 * the comment again to update it, without a database row. The build uuid never holds `-->` (validated).
 */
export function commentMarker(buildUuid: string): string {
  return `<!-- deployer:environment ${buildUuid} -->`;
}

const headline: Record<FeedbackState, string> = {
  queued: '⏳ queued',
  building: '🔨 building',
  succeeded: '✅ built',
  failed: '❌ failed',
  superseded: '⏭️ superseded by a newer push',
  cancelled: '⏸️ interrupted (the server stopped; queued again)',
  'torn-down': '🧹 torn down',
};

/**
 * Text from a spec or the registry inside a code span: anything outside a reference's characters becomes
 * `?`, so no name can close the span, break the table or write markdown (a pull request writes the spec).
 */
function code(text: string): string {
  return `\`${text.replace(/[^A-Za-z0-9._:/@+-]/g, '?')}\``;
}

function serviceRow(service: ServiceResult): string {
  const image = service.digest !== null ? `${service.image}@${service.digest}` : service.image;
  const built = service.status === 'built';
  const ratio = built ? `${Math.round(service.cacheHitRatio * 100)}%` : '–';
  // The cause's kind only (build, dependency, registry, cancelled): never a reason, step or log text.
  const status =
    service.status === 'failed' && service.failure !== undefined
      ? `failed (${service.failure.cause})`
      : service.status;
  return `| ${code(service.service)} | ${status} | ${service.status === 'failed' ? '–' : code(image)} | ${ratio} |`;
}

/**
 * The pull request's comment: the marker, the build uuid and state, each service's status, image@digest
 * and cache hit ratio, and the link. Never a log line or failure text: a pull request's author can print
 * anything into a build's output (a secret a step read), and the comment is public; the status page
 * shows failure text to signed-in operators.
 */
export function environmentComment(view: EnvironmentCommentView): string {
  const lines = [
    commentMarker(view.buildUuid),
    `### Preview environment ${code(view.buildUuid)}: ${headline[view.state]}`,
    '',
    // A teardown is a job too, but not a build: its id would read as one.
    view.state === 'torn-down'
      ? `Commit ${code(view.sha.slice(0, 12))}`
      : `Commit ${code(view.sha.slice(0, 12))} · build ${view.buildId}`,
  ];
  if (view.services !== undefined && view.services.length > 0) {
    lines.push('', '| service | status | image | cache hits |', '| --- | --- | --- | --- |');
    for (const service of view.services) lines.push(serviceRow(service));
  }
  if (view.state === 'failed') {
    lines.push('', 'What failed and why is on the status page, for the operators signed in there.');
  }
  if (view.link !== undefined) lines.push('', `[Status page](${view.link})`);
  return `${lines.join('\n')}\n`;
}

/** One line for a check run's title or a commit status's description (at most 140 characters). */
export function stateSummary(state: FeedbackState, services?: readonly ServiceResult[]): string {
  const counts =
    services === undefined
      ? ''
      : ` (${['built', 'skipped', 'failed', 'superseded']
          .map((status) => [status, services.filter((service) => service.status === status).length] as const)
          .filter(([, count]) => count > 0)
          .map(([status, count]) => `${count} ${status}`)
          .join(', ')})`;
  return `Preview environment ${headline[state].replace(/^\S+ /, '')}${counts}`.slice(0, 140);
}
