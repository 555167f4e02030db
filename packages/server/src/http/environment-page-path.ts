/**
 * The path of one environment's status page, `/environments/<build uuid>?repository=<name>`: the page
 * routes serve it, and GitHub feedback and outgoing hooks link to it under the server's public address.
 * One place, so a link can never point at a page the routes do not serve.
 */
export function environmentPagePath(buildUuid: string, repository?: string): string {
  const query = repository ? `?repository=${encodeURIComponent(repository)}` : '';
  return `/environments/${encodeURIComponent(buildUuid)}${query}`;
}
