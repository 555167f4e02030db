const identifier = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** Formats a path into the spec the way users read it: `services.api.dependsOn[0]`, `(root)` when empty. */
export function formatSpecPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (typeof part === 'string' && identifier.test(part)) out += out === '' ? part : `.${part}`;
    else out += `[${JSON.stringify(String(part))}]`;
  }
  return out === '' ? '(root)' : out;
}
