/** Options of the registry's `auth.token` section (distribution's token authentication). */
export interface TokenAuthConfig {
  /** URL of the token server the registry sends clients to. */
  realm: string;
  service: string;
  issuer: string;
  /** PEM file with the certificate(s) whose keys sign the tokens. */
  rootCertBundle: string;
}

export interface RegistryConfigInput {
  addr: string;
  storageDir: string;
  /** htpasswd file (bcrypt entries only: distribution rejects other hash formats). */
  htpasswdPath?: string;
  token?: TokenAuthConfig;
  logLevel?: 'error' | 'warn' | 'info' | 'debug';
}

// JSON strings are valid YAML scalars, so quoting through JSON.stringify is safe for any path or URL.
const q = (value: string): string => JSON.stringify(value);

/** Renders distribution's config.yml; the registry is told to read it by path. */
export function renderRegistryConfig(input: RegistryConfigInput): string {
  if (input.htpasswdPath && input.token) {
    throw new TypeError('choose either htpasswd or token auth, not both');
  }
  const lines = [
    'version: 0.1',
    'log:',
    `  level: ${input.logLevel ?? 'warn'}`,
    '  accesslog:',
    '    disabled: true',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${q(input.storageDir)}`,
    '  delete:',
    '    enabled: true',
    '  maintenance:',
    '    uploadpurging:',
    '      enabled: false',
    'http:',
    `  addr: ${q(input.addr)}`,
    // A fixed secret avoids the "No HTTP secret provided" warning; it only signs upload-session state.
    '  secret: local-registry-upload-state',
    'health:',
    '  storagedriver:',
    '    enabled: false',
  ];
  if (input.htpasswdPath) {
    lines.push('auth:', '  htpasswd:', '    realm: local-registry', `    path: ${q(input.htpasswdPath)}`);
  }
  if (input.token) {
    lines.push(
      'auth:',
      '  token:',
      `    realm: ${q(input.token.realm)}`,
      `    service: ${q(input.token.service)}`,
      `    issuer: ${q(input.token.issuer)}`,
      `    rootcertbundle: ${q(input.token.rootCertBundle)}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
