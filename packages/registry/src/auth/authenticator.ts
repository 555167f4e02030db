import type { RequestEvent } from '../http/send.js';
import { type AuthChallenge, parseChallenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { TokenCache } from './token-cache.js';
import { requestToken } from './token-request.js';

export interface AuthenticatorOptions {
  /** Resolves the login lazily (docker config and helpers are only consulted on the first challenge). */
  credentials: () => Promise<Credentials | undefined>;
  timeoutMs: number;
  onRequest?: (event: RequestEvent) => void;
  now?: () => number;
}

function basicHeader(credentials: Credentials | undefined): string | undefined {
  if (credentials?.kind !== 'basic') return undefined;
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}`;
}

/**
 * Per-registry auth state. Requests go out anonymously until the registry challenges; after that the
 * client authenticates up front (basic) or with a cached bearer token for the request's scopes.
 */
export class Authenticator {
  readonly #options: AuthenticatorOptions;
  readonly #tokens: TokenCache;
  #credentials: Promise<Credentials | undefined> | undefined;
  #scheme: 'anonymous' | 'basic' | 'bearer' = 'anonymous';
  #bearer: AuthChallenge | undefined;
  /** Token fetches in flight per cache key: parallel requests challenged together share one. */
  readonly #pending = new Map<string, Promise<string>>();

  constructor(options: AuthenticatorOptions) {
    this.#options = options;
    this.#tokens = new TokenCache(options.now);
  }

  #loadCredentials(): Promise<Credentials | undefined> {
    this.#credentials ??= this.#options.credentials();
    return this.#credentials;
  }

  #tokenKey(scopes: readonly string[]): string | undefined {
    const realm = this.#bearer?.params.realm;
    return realm ? TokenCache.key(realm, this.#bearer?.params.service, scopes) : undefined;
  }

  /** The Authorization header to send up front, if the registry's scheme is already known. */
  async header(scopes: readonly string[]): Promise<string | undefined> {
    if (this.#scheme === 'basic') return basicHeader(await this.#loadCredentials());
    if (this.#scheme === 'bearer') {
      const key = this.#tokenKey(scopes);
      const token = key ? this.#tokens.get(key) : undefined;
      return token ? `Bearer ${token}` : undefined;
    }
    return undefined;
  }

  /**
   * Reacts to a 401: learns the scheme and, for bearer, fetches a fresh token for the scopes (dropping
   * the cached one if that is what the registry just refused; parallel requests share one fetch). Returns the header to retry with, or undefined
   * when retrying cannot help (no usable credentials, or they were already sent).
   */
  async challenged(
    wwwAuthenticate: string | null,
    scopes: readonly string[],
    sentHeader: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<string | undefined> {
    const challenge = parseChallenge(wwwAuthenticate);
    if (!challenge) return undefined;
    if (challenge.scheme === 'basic') {
      this.#scheme = 'basic';
      const header = basicHeader(await this.#loadCredentials());
      return header && header !== sentHeader ? header : undefined;
    }
    if (challenge.scheme !== 'bearer') return undefined;
    this.#scheme = 'bearer';
    this.#bearer = challenge;
    const key = this.#tokenKey(scopes) ?? '';
    const pending = this.#pending.get(key);
    if (pending) return pending;
    // A token another request fetched meanwhile is fine; only the one the registry just refused is not.
    const cached = this.#tokens.get(key);
    if (cached && `Bearer ${cached}` !== sentHeader) return `Bearer ${cached}`;
    this.#tokens.delete(key);
    const fetching = this.#fetchToken(challenge, scopes, key, signal).finally(() =>
      this.#pending.delete(key),
    );
    this.#pending.set(key, fetching);
    return fetching;
  }

  async #fetchToken(
    challenge: AuthChallenge,
    scopes: readonly string[],
    key: string,
    signal: AbortSignal | undefined,
  ): Promise<string> {
    // The registry's own scope names exactly what it checks; ours may add actions it did not ask for.
    const challengeScopes = challenge.params.scope ? challenge.params.scope.split(' ') : [];
    const requested = [...new Set([...scopes, ...challengeScopes])];
    const issued = await requestToken(challenge, requested, await this.#loadCredentials(), {
      attempt: 0,
      timeoutMs: this.#options.timeoutMs,
      signal,
      onRequest: this.#options.onRequest,
    });
    this.#tokens.set(key, issued.token, issued.expiresInSeconds);
    return `Bearer ${issued.token}`;
  }
}
