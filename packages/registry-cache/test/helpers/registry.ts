import type { LocalRegistry } from '@deployer/local-registry';
import { RegistryClient, type RegistryClientOptions } from '@deployer/registry';
import {
  type CountingClient,
  clientFor as countingClientFor,
} from '../../../registry/test/helpers/registry.js';

// The real-registry helpers are @deployer/registry's; only the client class differs (the built package's).
export { useRegistry } from '../../../registry/test/helpers/registry.js';

/** A client of the built @deployer/registry for the test registry, recording every request. */
export function clientFor(
  registry: LocalRegistry,
  options: Partial<RegistryClientOptions> = {},
): CountingClient<RegistryClient> {
  return countingClientFor(registry, options, RegistryClient);
}
