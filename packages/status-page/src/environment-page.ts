import { renderBuildSection } from './build-section.js';
import { environmentTitle, isInProgress, statusBadge, timeAgo } from './environment-parts.js';
import { shortSha } from './format.js';
import { html, pagePath, type SafeHtml } from './html.js';
import { refreshSeconds, renderLayout } from './layout.js';
import type { EnvironmentDetail } from './view-types.js';

export interface EnvironmentPageOptions {
  /** Signed in with the API token (the session cookie): only then the rebuild button shows. */
  signedIn: boolean;
  /** The time ages are counted from; the current time when left out. */
  now?: Date;
}

/** Only signed-in users see it; the server checks the session cookie again when it is posted. */
function rebuildForm(detail: EnvironmentDetail): SafeHtml {
  const action = pagePath(['environments', detail.buildUuid, 'rebuild'], { repository: detail.repository });
  return html`<form class="rebuild" method="post" action="${action}"><button type="submit">Rebuild</button></form>`;
}

/** `GET /environments/:buildUuid`: one environment and its last builds' reports, newest first. */
export function renderEnvironmentPage(detail: EnvironmentDetail, options: EnvironmentPageOptions): string {
  const now = options.now ?? new Date();
  const title = environmentTitle(detail);
  const content = html`<p><a href="/">← all environments</a></p>
<h2>${detail.repository} ${title}</h2>
<p>build uuid <code class="build-uuid">${detail.buildUuid}</code> · ${statusBadge(detail.status)}
· wanted commit <code>${shortSha(detail.desiredSha)}</code> · generation ${detail.generation}
· last activity ${timeAgo(detail.lastActivityAt, now)}</p>
${options.signedIn ? rebuildForm(detail) : ''}
<h2>Builds</h2>
${
  detail.builds.length === 0
    ? html`<p class="muted">No builds yet.</p>`
    : detail.builds.map((build, index) => renderBuildSection(build, { open: index === 0, now }))
}`;
  return renderLayout({
    title: `deployer · ${detail.repository} ${title}`,
    signedIn: options.signedIn,
    refreshSeconds: isInProgress(detail) ? refreshSeconds : undefined,
    content,
  });
}
