import { codeForStatus, parseErrorBody, RegistryError } from '../errors.js';
import { type SendContext, sendOnce } from '../http/send.js';
import type { OutgoingRequest } from '../http/transport.js';
import type { AuthChallenge } from './challenge.js';
import type { Credentials } from './credentials.js';

export interface IssuedToken {
  token: string;
  expiresInSeconds: number | undefined;
}

const CLIENT_ID = 'deployer';

/**
 * Asks the challenge's realm for a bearer token (distribution token spec). Username/password go as
 * basic auth on a GET; an identity token is exchanged with the OAuth2 refresh_token grant (POST), as
 * docker does.
 */
export async function requestToken(
  challenge: AuthChallenge,
  scopes: readonly string[],
  credentials: Credentials | undefined,
  context: Omit<SendContext, 'operation'>,
): Promise<IssuedToken> {
  const operation = 'token';
  const realm = challenge.params.realm;
  if (!realm) {
    throw new RegistryError('bearer challenge without realm', { code: 'INVALID_RESPONSE', operation });
  }
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new RegistryError('bearer challenge with an invalid realm URL', {
      code: 'INVALID_RESPONSE',
      operation,
    });
  }
  const service = challenge.params.service;
  let init: OutgoingRequest;
  if (credentials?.kind === 'identity-token') {
    const form = new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID });
    form.set('refresh_token', credentials.identityToken);
    if (service) form.set('service', service);
    if (scopes.length > 0) form.set('scope', scopes.join(' '));
    init = {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    };
  } else {
    if (service) url.searchParams.set('service', service);
    for (const scope of scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    if (credentials?.kind === 'basic') {
      headers.authorization = `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
      url.searchParams.set('account', credentials.username);
    }
    init = { method: 'GET', headers };
  }

  const response = await sendOnce(url, init, { ...context, operation });
  if (response.status !== 200) {
    const errors = parseErrorBody(response.body.toString('utf8'));
    const code = codeForStatus(response.status, 'HTTP_ERROR');
    // The token server's body is not quoted: some echo the request, which may hold the secret.
    throw new RegistryError(`token request to ${url.host} failed: ${response.status} ${code}`, {
      code,
      status: response.status,
      operation,
      errors: errors.map((e) => ({ code: e.code })),
    });
  }
  let parsed: { token?: unknown; access_token?: unknown; expires_in?: unknown };
  try {
    parsed = JSON.parse(response.body.toString('utf8')) as typeof parsed;
  } catch {
    throw new RegistryError(`token response from ${url.host} is not JSON`, {
      code: 'INVALID_RESPONSE',
      operation,
    });
  }
  const token = typeof parsed.token === 'string' ? parsed.token : parsed.access_token;
  if (typeof token !== 'string' || token === '') {
    throw new RegistryError(`token response from ${url.host} has no token`, {
      code: 'INVALID_RESPONSE',
      operation,
    });
  }
  return {
    token,
    expiresInSeconds: typeof parsed.expires_in === 'number' ? parsed.expires_in : undefined,
  };
}
