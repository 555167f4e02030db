import * as z from 'zod';
import { EnvironmentSpecSchema } from './environment-schema.js';

/**
 * The JSON Schema of environment specs, for editors (`# yaml-language-server: $schema=…`). Shipped as
 * `@deployer/deploy/environment.schema.json`; `pnpm run schema` rewrites it after a build.
 */
export function environmentJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(EnvironmentSpecSchema, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, title: 'deployer environment' };
}
