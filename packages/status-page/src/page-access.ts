import { html, type SafeHtml } from './html.js';

/** What the visitor of a page may see and do, decided by the server for each request. */
export interface PageAccess {
  /** Signed in (a live session): the rebuild and sign-out forms show. */
  signedIn: boolean;
  /**
   * The CSRF token every form posts as `_csrf`; the server refuses a form post without the right one.
   * Pages for a signed-in visitor need it (their forms carry it).
   */
  csrfToken?: string | undefined;
  /**
   * Show what builds' failures say (the build's error, failed services' reasons, steps and log tails),
   * which can reveal more of a build than a stranger should read: the server sets it for signed-in
   * visitors, or for everyone when the operator made the pages public. Default false.
   */
  showFailureText?: boolean | undefined;
}

/** The hidden field that carries the CSRF token in a form (nothing when the page has no token). */
export function csrfField(token: string | undefined): SafeHtml | string {
  return token === undefined ? '' : html`<input type="hidden" name="_csrf" value="${token}">`;
}
