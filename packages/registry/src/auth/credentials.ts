/** What a registry login resolves to. Kept as plain data; never interpolated into messages. */
export type Credentials =
  | { kind: 'basic'; username: string; password: string }
  /** An OAuth2 refresh token (`identitytoken` in docker's config, `<token>` user from a helper). */
  | { kind: 'identity-token'; identityToken: string };

/** Docker's canonical key for Docker Hub in config files and for credential helpers. */
export const DOCKER_HUB_SERVER = 'https://index.docker.io/v1/';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/** The server name docker uses for `host` in `auths` and when asking credential helpers. */
export function credentialServerFor(host: string): string {
  return DOCKER_HUB_ALIASES.has(host) ? DOCKER_HUB_SERVER : host;
}

/** `https://host:5000/v2/` → `host:5000`, as docker's ConvertToHostname does for `auths` keys. */
export function hostnameOfConfigKey(key: string): string {
  const stripped = key.replace(/^https?:\/\//, '');
  const slash = stripped.indexOf('/');
  return slash === -1 ? stripped : stripped.slice(0, slash);
}
