import { html } from './html.js';
import { renderLayout } from './layout.js';
import { csrfField } from './page-access.js';

export interface SignInPageOptions {
  /** Why the last attempt failed (e.g. a wrong token); shown above the form. */
  error?: string | undefined;
  /** The CSRF token the form posts as `_csrf`: the server refuses a sign-in without it. */
  csrfToken?: string | undefined;
}

/**
 * `GET /sign-in`: a form posting the API token (and the CSRF token) to `POST /sign-in`, which the server
 * checks and answers with an HttpOnly, SameSite=Strict cookie naming a server-side session.
 */
export function renderSignInPage(options: SignInPageOptions = {}): string {
  const content = html`<h2>Sign in</h2>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/sign-in">
${csrfField(options.csrfToken)}
<label for="token">API token (DEPLOYER_API_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`;
  return renderLayout({ title: 'deployer · sign in', signedIn: false, content });
}
