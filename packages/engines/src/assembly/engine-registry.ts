import { type EngineDefinition, engineNamePattern } from '@deployer/contracts';
import { EngineSettingsError } from './engine-settings-error.js';

/** The engines an assembly knows, by name: the built-in ones first, then a config module's, in order. */
export interface EngineRegistry {
  readonly definitions: readonly EngineDefinition[];
  /** `auto` and every registered name, for `--engine`'s listing and errors. */
  readonly choices: readonly string[];
  get(name: string): EngineDefinition | undefined;
}

/**
 * Registers the built-in definitions and then the extra ones (a config module's, `engines[i]` in its
 * merged list). A name of the wrong shape, `auto`, or one registered twice is an `EngineSettingsError`
 * (exit 2) naming both registrations: two engines of one name would make `--engine NAME` ambiguous.
 */
export function engineRegistry(
  builtins: readonly EngineDefinition[],
  extra: readonly EngineDefinition[] = [],
): EngineRegistry {
  const byName = new Map<string, { definition: EngineDefinition; registeredAs: string }>();
  for (const definition of builtins) byName.set(definition.name, { definition, registeredAs: 'built-in' });
  extra.forEach((definition, index) => {
    const registeredAs = `the config's engines[${index}]`;
    const name: unknown = definition?.name;
    if (typeof name !== 'string' || name === 'auto' || !engineNamePattern.test(name)) {
      throw new EngineSettingsError(
        'config module',
        `${registeredAs}: engine name ${JSON.stringify(name)} must be lower-case letters, digits and dashes, starting with a letter, and not "auto"`,
      );
    }
    const taken = byName.get(name);
    if (taken !== undefined) {
      const first = taken.registeredAs === 'built-in' ? `the built-in engine ${name}` : taken.registeredAs;
      throw new EngineSettingsError(
        'config module',
        `engine "${name}" is registered twice: by ${first} and by ${registeredAs}`,
      );
    }
    byName.set(name, { definition, registeredAs });
  });
  const definitions = [...byName.values()].map((entry) => entry.definition);
  return {
    definitions,
    choices: ['auto', ...definitions.map((definition) => definition.name)],
    get: (name) => byName.get(name)?.definition,
  };
}
