import { createPrivateKey, createSign, type KeyObject, randomUUID, X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';

export interface TokenServerUser {
  password: string;
  /** Actions granted on every repository, e.g. ['pull'] or ['pull', 'push', 'delete']. */
  actions: string[];
}

export interface TokenServer {
  realm: string;
  service: string;
  issuer: string;
  certPath: string;
  /** Every token request received, for asserting caching. */
  requests: { scopes: string[]; account: string | null }[];
  /** JWT lifetime; the `expires_in` told to clients can differ (to provoke a refresh on 401). */
  settings: { jwtLifetimeSeconds: number; expiresIn: number };
  close(): Promise<void>;
}

const b64url = (data: Buffer | string) => Buffer.from(data).toString('base64url');

/** An RSA key and self-signed certificate made with openssl (the registry's `rootcertbundle`). */
export async function makeSigningCertificate(
  dir: string,
): Promise<{ key: KeyObject; certDer: Buffer; certPath: string }> {
  const keyPath = join(dir, 'token.key');
  const certPath = join(dir, 'token.crt');
  await execa('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '1',
    '-subj',
    '/CN=deployer-test-token-issuer',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  const key = createPrivateKey(await readFile(keyPath));
  const certDer = new X509Certificate(await readFile(certPath)).raw;
  return { key, certDer, certPath };
}

/**
 * A token server per the distribution token spec: basic-authenticated GET /token, RS256 JWT with the
 * certificate in `x5c` (distribution verifies the chain against `rootcertbundle`) and `access` claims
 * limited to what the user may do.
 */
export async function startTokenServer(
  dir: string,
  users: Record<string, TokenServerUser>,
  /** OAuth2 refresh tokens (docker's identity tokens) → user name, for the POST grant. */
  refreshTokens: Record<string, string> = {},
): Promise<TokenServer> {
  const { key, certDer, certPath } = await makeSigningCertificate(dir);
  const service = 'deployer-test-registry';
  const issuer = 'deployer-test-issuer';
  const requests: TokenServer['requests'] = [];
  const settings = { jwtLifetimeSeconds: 300, expiresIn: 300 };

  const server: Server = createServer(async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    const url = new URL(req.url ?? '/', 'http://localhost');
    const form = new URLSearchParams(req.method === 'POST' ? body : '');
    const params = req.method === 'POST' ? form : url.searchParams;
    const scopes = params
      .getAll('scope')
      .flatMap((s) => s.split(' '))
      .filter(Boolean);
    let user: string | undefined;
    let password: string | undefined;
    if (req.method === 'POST' && form.get('grant_type') === 'refresh_token') {
      user = refreshTokens[form.get('refresh_token') ?? ''];
      password = user ? users[user]?.password : undefined;
    } else {
      const authorization = req.headers.authorization ?? '';
      [user, password] = authorization.startsWith('Basic ')
        ? Buffer.from(authorization.slice(6), 'base64').toString('utf8').split(/:(.*)/s)
        : [];
    }
    requests.push({ scopes, account: user ?? null });
    const account = user ? users[user] : undefined;
    if (!account || account.password !== password) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [
            {
              code: 'UNAUTHORIZED',
              message: `bad login ${JSON.stringify(req.headers.authorization ?? body)}`,
            },
          ],
        }),
      );
      return;
    }
    const access = scopes.map((scope) => {
      const [type = '', name = '', actions = ''] = scope.split(':');
      const granted =
        type === 'registry'
          ? actions.split(',')
          : actions.split(',').filter((a) => account.actions.includes(a));
      return { type, name, actions: granted };
    });
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', x5c: [certDer.toString('base64')] };
    const claims = {
      iss: issuer,
      sub: user,
      aud: service,
      exp: now + settings.jwtLifetimeSeconds,
      nbf: now - 5,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const input = `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify(claims))}`;
    const signature = createSign('RSA-SHA256').update(input).sign(key);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token: `${input}.${b64url(signature)}`,
        expires_in: settings.expiresIn,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    service,
    issuer,
    certPath,
    requests,
    settings,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
