import type { Environment } from './load-environment.js';

/** Registry hosts the environment reaches over plain HTTP: its image and cache registries where insecure. */
export function insecureRegistries(environment: Environment): string[] {
  const hosts = new Set<string>();
  if (environment.registry.insecure) hosts.add(environment.registry.host);
  if (environment.cache.insecure) hosts.add(environment.cache.registry);
  return [...hosts];
}
