import {
  type LocalRegistry,
  type StartLocalRegistryOptions,
  startLocalRegistry,
} from '@deployer/local-registry';
import { afterAll, beforeAll } from 'vitest';
import { RegistryClient, type RegistryClientOptions, type RequestEvent } from '../../src/index.js';

/** Starts a real distribution registry for the test file and stops it afterwards. */
export function useRegistry(options: StartLocalRegistryOptions = {}): () => LocalRegistry {
  let registry: LocalRegistry | undefined;
  beforeAll(async () => {
    registry = await startLocalRegistry(options);
  });
  afterAll(async () => {
    await registry?.stop();
  });
  return () => {
    if (!registry) throw new Error('registry not started');
    return registry;
  };
}

export interface CountingClient<Client = RegistryClient> {
  client: Client;
  events: RequestEvent[];
}

/**
 * A client for the test registry that records every request. `Client` is the class to create: this
 * package's source by default; @deployer/registry-cache's tests pass the built package's.
 */
export function clientFor<Client = RegistryClient>(
  registry: LocalRegistry,
  options: Partial<RegistryClientOptions> = {},
  Client: new (options: RegistryClientOptions) => Client = RegistryClient as never,
): CountingClient<Client> {
  const events: RequestEvent[] = [];
  const client = new Client({
    host: registry.host,
    credentials: 'anonymous',
    retry: { retries: 2, baseDelayMs: 20, maxDelayMs: 100 },
    ...options,
    onRequest: (event) => {
      events.push(event);
      options.onRequest?.(event);
    },
  });
  return { client, events };
}
