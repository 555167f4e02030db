import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { RegistryError } from '../errors.js';
import { getFromCredentialHelper } from './credential-helper.js';
import { type Credentials, credentialServerFor, hostnameOfConfigKey } from './credentials.js';

interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
}

interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

export interface DockerConfigOptions {
  /** Environment to read `DOCKER_CONFIG`/`HOME` from and to run helpers with. Default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory holding config.json; overrides `DOCKER_CONFIG`. */
  configDir?: string;
}

export function dockerConfigPath(options: DockerConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const dir = options.configDir ?? env.DOCKER_CONFIG ?? join(env.HOME ?? homedir(), '.docker');
  return join(dir, 'config.json');
}

async function readConfig(path: string): Promise<DockerConfigFile> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new RegistryError(`cannot read docker config ${path}`, {
      code: 'CREDENTIALS',
      operation: 'docker-config',
    });
  }
  try {
    return JSON.parse(text) as DockerConfigFile;
  } catch {
    // Deliberately without the parser's message: it can quote parts of the file.
    throw new RegistryError(`docker config ${path} is not valid JSON`, {
      code: 'CREDENTIALS',
      operation: 'docker-config',
    });
  }
}

function fromAuthEntry(entry: AuthEntry): Credentials | undefined {
  if (entry.identitytoken) return { kind: 'identity-token', identityToken: entry.identitytoken };
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  if (entry.username && entry.password !== undefined) {
    return { kind: 'basic', username: entry.username, password: entry.password };
  }
  return undefined;
}

function findAuthEntry(auths: Record<string, AuthEntry>, server: string): AuthEntry | undefined {
  if (auths[server]) return auths[server];
  const host = hostnameOfConfigKey(server);
  for (const [key, entry] of Object.entries(auths)) {
    if (hostnameOfConfigKey(key) === host) return entry;
  }
  return undefined;
}

/**
 * Credentials for `host` the way docker resolves them: a per-registry `credHelpers` entry wins, then the
 * global `credsStore`, then the `auths` entry (`auth`, `username`/`password` or `identitytoken`).
 * Unlike docker, an `auths` entry is still used when the creds store knows nothing about the host,
 * which matches what most CI setups expect.
 */
export async function resolveDockerCredentials(
  host: string,
  options: DockerConfigOptions = {},
): Promise<Credentials | undefined> {
  const config = await readConfig(dockerConfigPath(options));
  const server = credentialServerFor(host);
  const helperOptions = { env: options.env };
  const helper = config.credHelpers?.[server] ?? config.credHelpers?.[host];
  if (helper) return getFromCredentialHelper(helper, server, helperOptions);
  if (config.credsStore) {
    const stored = await getFromCredentialHelper(config.credsStore, server, helperOptions);
    if (stored) return stored;
  }
  const entry = config.auths ? findAuthEntry(config.auths, server) : undefined;
  return entry ? fromAuthEntry(entry) : undefined;
}
