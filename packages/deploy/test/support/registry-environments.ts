import type { RegistryPort } from '@deployer/contracts';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import type { RegistryClient } from '@deployer/registry';
import { createRegistryPort } from '@deployer/registry-cache';
import { afterAll, beforeAll } from 'vitest';
import { type Environment, loadEnvironment } from '../../src/index.js';
import { createFixture, type Fixture, serviceFiles } from './fixture.js';

export interface RegistryEnvironments {
  registry(): LocalRegistry;
  client(): RegistryClient;
  port(): RegistryPort;
  /** A spec with services web and api and fallback main, in a fresh repository (`<prefix>N`) per call. */
  environment(): Promise<Environment>;
  /** Writes a file of the services' contexts (`web/app.txt`), shared by every environment of the file. */
  write(relative: string, content: string): Promise<void>;
}

/**
 * A real registry for the file's tests, reached through the adapter apps/deployer wires in (assigning it
 * to contracts' RegistryPort checks that it satisfies the registry ports).
 */
export function useRegistryEnvironments(
  prefix: string,
  spec: Record<string, unknown> = {},
): RegistryEnvironments {
  let registry: LocalRegistry;
  let client: RegistryClient;
  let port: RegistryPort;
  let fixture: Fixture;
  let counter = 0;

  beforeAll(async () => {
    registry = await startLocalRegistry();
    const adapter = createRegistryPort({ clientOptions: { credentials: 'anonymous' } });
    port = adapter;
    client = adapter.client(registry.host);
    fixture = await createFixture(serviceFiles(['web', 'api']));
  });

  afterAll(async () => {
    await fixture?.remove();
    await registry?.stop();
  });

  return {
    registry: () => registry,
    client: () => client,
    port: () => port,
    write: (relative, content) => fixture.write(relative, content),
    async environment() {
      counter++;
      const file = await fixture.writeSpec({
        registry: { host: registry.host, repository: `${prefix}${counter}`, insecure: true },
        ...spec,
        fallbacks: ['main'],
        services: { web: { context: 'web' }, api: { context: 'api' } },
      });
      return loadEnvironment(file);
    },
  };
}
