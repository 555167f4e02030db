import { insecureRegistries } from '@deployer/deploy';
import { cacheFlavourOf, createEngine, selectEngine } from '@deployer/engines';
import { createRegistryPort } from '@deployer/registry-cache';
import type { ServerEngine, ServerPorts } from '@deployer/server';
import { buildahStorageFromFlags } from './buildah-storage.js';
import { buildkitHostsFromFlags } from './buildkit-host.js';

/**
 * The server's engines and registries, wired from the process environment as `deployer build` wires
 * them from flags: one engine per engine name, created on first use and shared by every job (a BuildKit
 * pool keeps its health and routing state across builds).
 */
export function serverPorts(env: NodeJS.ProcessEnv): ServerPorts {
  const engines = new Map<string, Promise<ServerEngine>>();
  return {
    registryFor: (environment) => createRegistryPort({ insecureRegistries: insecureRegistries(environment) }),
    async engineFor(environment) {
      const selection = await selectEngine(environment.engine, env);
      let engine = engines.get(selection.engine);
      if (engine === undefined) {
        engine = create(selection.engine, env);
        engines.set(selection.engine, engine);
        engine.catch(() => engines.delete(selection.engine));
      }
      return engine;
    },
  };
}

async function create(
  name: Awaited<ReturnType<typeof selectEngine>>['engine'],
  env: NodeJS.ProcessEnv,
): Promise<ServerEngine> {
  const hosts = name === 'buildah' ? [] : await buildkitHostsFromFlags('serve', undefined, env);
  const storage = name === 'buildah' ? await buildahStorageFromFlags('serve', undefined, env) : undefined;
  const engine = await createEngine(name, {
    ...(hosts.length > 0 && { buildkitHosts: hosts }),
    ...(storage && { buildahRoot: storage.storageRoot, buildahStorageDriver: storage.storageDriver }),
    env,
  });
  return { engine, name, cacheFlavour: cacheFlavourOf(name) };
}
