import { html, SafeHtml } from './html.js';
import { csrfField } from './page-access.js';
import { refreshScript } from './refresh-script.js';
import { styles } from './styles.js';

export interface LayoutOptions {
  title: string;
  signedIn: boolean;
  /** Posted with the sign-out form (signed in only). */
  csrfToken?: string | undefined;
  /** Set while a build is queued or running: the page refreshes itself every so many seconds. */
  refreshSeconds?: number | undefined;
  content: SafeHtml;
}

/** Seconds between refreshes while a build is queued or running. */
export const refreshSeconds = 3;

/** The document every page shares: head (inline style and script), header, and `<main id="content">`. */
export function renderLayout(options: LayoutOptions): string {
  const refresh = options.refreshSeconds;
  // Signing out is a form post (it changes state), with the CSRF token like every form.
  const account = options.signedIn
    ? html`<span class="muted">signed in</span> <form class="sign-out" method="post" action="/sign-out">${csrfField(options.csrfToken)}<button type="submit">Sign out</button></form>`
    : html`<a href="/sign-in">Sign in</a>`;
  const page = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title}</title>
${refresh ? html`<noscript><meta http-equiv="refresh" content="${refresh}"></noscript>` : ''}
<style>${rawAsset(styles)}</style>
</head>
<body>
<header><h1><a href="/">deployer</a></h1><nav>${account}</nav></header>
<main id="content"${refresh ? html` data-refresh-seconds="${refresh}"` : ''}>
${options.content}
</main>
<script>${rawAsset(refreshScript)}</script>
</body>
</html>
`;
  return page.value;
}

/** The constant inline assets go in verbatim: the Content-Security-Policy hashes exactly their text. */
function rawAsset(text: string): SafeHtml {
  return new SafeHtml(text);
}
