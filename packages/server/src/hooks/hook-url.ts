/**
 * A hook URL as the state, the API, logs and errors show it: scheme, host, port and path. The query is
 * left out: some receivers take a token there, and it is no one's business but the receiver's.
 */
export function displayHookUrl(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
