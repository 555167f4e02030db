/**
 * A job's outcome as it is recorded (and shown on pages, in the API and the logs): the claim's checkout
 * folder, an absolute path of this server's work folder (`/srv/deployer/work/acme/shop/<uuid>-<sha>-…`),
 * reads as `.`, the repository's root, which is what the pull request's author knows it as. Errors name
 * files in the checkout (a spec, a context, a Dockerfile) and engines print the context's path.
 */
export function withCheckoutRelative<T>(value: T, checkoutDir: string): T {
  const prefix = checkoutDir.replace(/\/+$/, '');
  const relative = (text: string): string => text.replaceAll(`${prefix}/`, './').replaceAll(prefix, '.');
  const walk = (entry: unknown): unknown => {
    if (typeof entry === 'string') return relative(entry);
    if (Array.isArray(entry)) return entry.map(walk);
    if (typeof entry === 'object' && entry !== null) {
      return Object.fromEntries(Object.entries(entry).map(([key, inner]) => [key, walk(inner)]));
    }
    return entry;
  };
  return walk(value) as T;
}
