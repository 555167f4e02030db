import { insecureRegistries } from '@deployer/deploy';
import type { EngineAssembly } from '@deployer/engines';
import type { ServerPorts } from '@deployer/server';

/**
 * The server's engines and registries, from the same assembly `deployer build` uses (flags and the
 * process environment, checked before the server starts): one engine per engine name, created on first
 * use and shared by every job (a BuildKit pool keeps its health and routing state across builds).
 */
export function serverPorts(engines: EngineAssembly): ServerPorts {
  return {
    registryFor: (environment) => engines.registry(insecureRegistries(environment)),
    async engineFor(environment) {
      const { engine, name, cacheFlavour } = await engines.engine(
        (await engines.select(environment.engine)).engine,
      );
      return { engine, name, cacheFlavour };
    },
  };
}
