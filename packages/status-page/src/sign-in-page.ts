import { html } from './html.js';
import { renderLayout } from './layout.js';

export interface SignInPageOptions {
  /** Why the last attempt failed (e.g. a wrong token); shown above the form. */
  error?: string;
}

/**
 * `GET /sign-in`: a form posting the API token to `POST /sign-in`, which the server checks and answers
 * with an HttpOnly, SameSite=Strict session cookie.
 */
export function renderSignInPage(options: SignInPageOptions = {}): string {
  const content = html`<h2>Sign in</h2>
${options.error ? html`<p class="error" role="alert">${options.error}</p>` : ''}
<form method="post" action="/sign-in">
<label for="token">API token (DEPLOYER_API_TOKEN)</label>
<input id="token" name="token" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>`;
  return renderLayout({ title: 'deployer · sign in', signedIn: false, content });
}
