import { z } from 'zod';
import { ServerConfigSchema } from './server-config-schema.js';

/**
 * The JSON Schema of the server config, for editors (`# yaml-language-server: $schema=…`). Shipped as
 * `@deployer/server/server-config.schema.json`; `pnpm run schema` rewrites it after a build.
 */
export function serverConfigJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(ServerConfigSchema, { io: 'input' }) as Record<string, unknown>;
  return { ...schema, title: 'deployer serve configuration' };
}
