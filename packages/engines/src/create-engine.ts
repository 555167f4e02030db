import type { BuildEngine, BuiltinEngineName } from '@deployer/contracts';
import { builtinEngineDefinitions, type EngineWiring } from './builtin-engines.js';

export { type EngineWiring, isBuildkitPool } from './builtin-engines.js';

/**
 * A built-in engine's runner, by name, outside an assembly (tests, tools): the built-in definition's
 * `create`. Commands and `serve` go through `assembleEngines`, which sees a config module's engines too.
 */
export async function createEngine(name: BuiltinEngineName, wiring: EngineWiring): Promise<BuildEngine> {
  const definition = builtinEngineDefinitions(wiring).find((candidate) => candidate.name === name);
  if (definition === undefined) throw new Error(`${name} is not a built-in engine`);
  return definition.create({
    env: wiring.env,
    engine: async (other) => createEngine(other as BuiltinEngineName, wiring),
  });
}
