import { renderBuildSection } from './build-section.js';
import { importOrderSection } from './cache-sources.js';
import { environmentTitle, isInProgress, statusBadge, timeAgo } from './environment-parts.js';
import { withoutFailureText } from './failure-text.js';
import { shortSha } from './format.js';
import { html, pagePath, type SafeHtml } from './html.js';
import { refreshSeconds, renderLayout } from './layout.js';
import { csrfField, type PageAccess } from './page-access.js';
import type { EnvironmentDetail } from './view-types.js';

export interface EnvironmentPageOptions extends PageAccess {
  /** The time ages are counted from; the current time when left out. */
  now?: Date;
}

/** Only signed-in users see it; the server checks the session and the CSRF token again when it is posted. */
function rebuildForm(detail: EnvironmentDetail, csrfToken: string | undefined): SafeHtml {
  const action = pagePath(['environments', detail.buildUuid, 'rebuild'], { repository: detail.repository });
  return html`<form class="rebuild" method="post" action="${action}">${csrfField(csrfToken)}<button type="submit">Rebuild</button></form>`;
}

/**
 * `GET /environments/:buildUuid`: one environment, where its newest build took its cache from, and its last
 * builds' reports, newest first.
 */
export function renderEnvironmentPage(detail: EnvironmentDetail, options: EnvironmentPageOptions): string {
  const now = options.now ?? new Date();
  const failureTextHidden = options.showFailureText !== true;
  const shown = failureTextHidden ? withoutFailureText(detail) : detail;
  const title = environmentTitle(shown);
  const content = html`<p><a href="/">← all environments</a></p>
<h2>${shown.repository} ${title}</h2>
<p>build uuid <code class="build-uuid">${shown.buildUuid}</code> · ${statusBadge(shown.status)}
· wanted commit <code>${shortSha(shown.desiredSha)}</code> · generation ${shown.generation}
· last activity ${timeAgo(shown.lastActivityAt, now)}</p>
${options.signedIn ? rebuildForm(shown, options.csrfToken) : ''}
${importOrderSection(shown.builds)}
<h2>Builds</h2>
${
  shown.builds.length === 0
    ? html`<p class="muted">No builds yet.</p>`
    : shown.builds.map((build, index) =>
        renderBuildSection(build, { open: index === 0, now, failureTextHidden }),
      )
}`;
  return renderLayout({
    title: `deployer · ${shown.repository} ${title}`,
    signedIn: options.signedIn,
    csrfToken: options.csrfToken,
    refreshSeconds: isInProgress(shown) ? refreshSeconds : undefined,
    content,
  });
}
