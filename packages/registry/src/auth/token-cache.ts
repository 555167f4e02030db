interface Entry {
  token: string;
  expiresAt: number;
}

/**
 * Bearer tokens keyed by realm, service and scope. A token is treated as expired a little early so that
 * it does not run out between the lookup and the registry checking it.
 */
export class TokenCache {
  readonly #entries = new Map<string, Entry>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  static key(realm: string, service: string | undefined, scopes: readonly string[]): string {
    return JSON.stringify([realm, service ?? '', [...scopes].sort()]);
  }

  get(key: string): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.token;
  }

  /** `expiresInSeconds` as the token server sent it (the spec's default is 60). */
  set(key: string, token: string, expiresInSeconds = 60): void {
    const lifetimeMs = Math.max(0, expiresInSeconds) * 1000;
    const margin = Math.min(30_000, lifetimeMs / 10);
    this.#entries.set(key, { token, expiresAt: this.#now() + lifetimeMs - margin });
  }

  delete(key: string): void {
    this.#entries.delete(key);
  }

  get size(): number {
    return this.#entries.size;
  }
}
