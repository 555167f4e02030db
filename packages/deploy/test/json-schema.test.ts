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

  it('carries the rules for what an engine reads: a target is a stage name, build arguments ARG names', () => {
    const schema = environmentJsonSchema() as {
      properties: {
        services: { additionalProperties: { properties: Record<string, Record<string, unknown>> } };
      };
    };
    const service = schema.properties.services.additionalProperties.properties;
    const target = new RegExp(service.target!.pattern as string);
    expect(['runtime', 'build-2'].every((name) => target.test(name))).toBe(true);
    expect(['--output=type=local,dest=/x', '.x', 'a b'].some((name) => target.test(name))).toBe(false);
    const argName = new RegExp((service.args!.propertyNames as { pattern: string }).pattern);
    expect(argName.test('NODE_ENV')).toBe(true);
    expect(['A=B --output x', '1A', 'a-b'].some((name) => argName.test(name))).toBe(false);
  });
});
