export interface AuthChallenge {
  /** Lower-cased scheme: `basic` or `bearer` (others are passed through). */
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses a `WWW-Authenticate` header such as
 * `Bearer realm="https://auth.example/token",service="registry",scope="repository:a/b:pull,push"`.
 * Values may be quoted (and then contain commas) or bare tokens. Only the first challenge is returned:
 * registries send one.
 */
export function parseChallenge(header: string | null | undefined): AuthChallenge | undefined {
  if (!header) return undefined;
  const match = /^\s*([A-Za-z][A-Za-z0-9_-]*)\s*(.*)$/s.exec(header);
  if (!match) return undefined;
  const scheme = match[1]!.toLowerCase();
  const params: Record<string, string> = {};
  const rest = match[2] ?? '';
  const param = /\s*([A-Za-z][A-Za-z0-9_-]*)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  let found: RegExpExecArray | null = param.exec(rest);
  while (found) {
    const value = found[2] !== undefined ? found[2].replace(/\\(.)/g, '$1') : (found[3] ?? '');
    params[found[1]!.toLowerCase()] = value;
    found = param.exec(rest);
  }
  return { scheme, params };
}
