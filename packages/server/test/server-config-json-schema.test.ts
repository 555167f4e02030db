import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { serverConfigJsonSchema } from '../src/index.js';

describe('server config JSON Schema', () => {
  it('is the shipped schema file (run `pnpm run schema` after changing the config schema)', async () => {
    const shipped = JSON.parse(
      await readFile(new URL('../server-config.schema.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(serverConfigJsonSchema());
  });

  it('describes a strict repository list editors can complete, with the defaults', () => {
    const schema = serverConfigJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: {
        repositories: {
          items: {
            required: string[];
            additionalProperties: boolean;
            properties: Record<string, { default?: unknown }>;
          };
        };
      };
    };
    expect(schema.required).toEqual(['repositories']);
    expect(schema.additionalProperties).toBe(false);
    const repository = schema.properties.repositories.items;
    expect(repository.required).toEqual(['name', 'spec', 'registry']);
    expect(repository.additionalProperties).toBe(false);
    expect(Object.keys(repository.properties).sort()).toEqual(
      [
        'cloneUrl',
        'fallback',
        'branches',
        'mergeHold',
        'keepLabel',
        'label',
        'name',
        'spec',
        'ttl',
        'registry',
        'cache',
        'secrets',
        'github',
      ].sort(),
    );
    expect(repository.properties.fallback?.default).toBe('main');
    expect(repository.properties.ttl?.default).toBe('14d');
    expect(repository.properties.branches?.default).toEqual([]);
    expect(repository.properties.mergeHold?.default).toBe('30m');
    expect(repository.properties.secrets?.default).toEqual([]);
    // GitHub feedback is off unless a repository has a github: section.
    expect(repository.properties.github?.default).toBeUndefined();
  });
});
