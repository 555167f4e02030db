import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { environmentJsonSchema } from '../src/index.js';

describe('environment JSON Schema', () => {
  it('is the shipped schema file (run `pnpm run schema` after changing the spec)', async () => {
    const shipped = JSON.parse(
      await readFile(new URL('../schema/environment.schema.json', import.meta.url), 'utf8'),
    );
    expect(shipped).toEqual(environmentJsonSchema());
  });

  it('describes strict objects editors can complete', () => {
    const schema = environmentJsonSchema() as {
      required: string[];
      additionalProperties: boolean;
      properties: Record<string, { additionalProperties?: unknown }>;
    };
    expect(schema.required).toEqual(['registry', 'services']);
    expect(schema.additionalProperties).toBe(false);
    const service = schema.properties.services!.additionalProperties as {
      properties: Record<string, unknown>;
    };
    expect(Object.keys(service.properties)).toEqual(
      expect.arrayContaining(['context', 'dockerfile', 'target', 'args', 'secrets', 'dependsOn']),
    );
  });
});
