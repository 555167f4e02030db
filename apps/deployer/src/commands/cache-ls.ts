import { insecureRegistries, listEnvironmentCache, validateBuildUuid } from '@deployer/deploy';
import { createRegistryPort } from '@deployer/registry-cache';
import { parseFlags } from '../cli/args.js';
import type { Command } from '../cli/command.js';
import { environmentFlags, loadEnvironmentFromFlags } from '../cli/environment-flags.js';
import { formatAge, formatBytes, formatTable } from '../output/table.js';

const flags = {
  ...environmentFlags,
  uuid: {
    type: 'string',
    value: '<buildUuid>',
    description: 'only this environment (and mark its fallbacks)',
  },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const cacheLsCommand: Command = {
  path: ['cache', 'ls'],
  summary: 'list cache refs per environment, with size and age',
  usage: 'deployer cache ls -f env.yaml [--uuid U] [--json]',
  flags,
  async run(argv, context) {
    const { flags: values } = parseFlags('cache ls', argv, flags);
    const buildUuid = values.uuid === undefined ? undefined : validateBuildUuid(values.uuid, '--uuid');
    const environment = await loadEnvironmentFromFlags('cache ls', values, context);
    const entries = await listEnvironmentCache(environment, {
      registry: createRegistryPort({ insecureRegistries: insecureRegistries(environment) }),
      ...(buildUuid !== undefined && { buildUuid }),
      signal: context.signal,
    });
    if (values.json) {
      context.stdout.write(`${JSON.stringify(entries, null, 2)}\n`);
      return 0;
    }
    if (entries.length === 0) {
      context.stdout.write('no cache refs\n');
      return 0;
    }
    const now = new Date();
    context.stdout.write(
      formatTable(
        ['ENVIRONMENT', 'SERVICE', 'ROLE', 'SIZE', 'AGE', 'REF'],
        entries.map((entry) => [
          entry.buildUuid ?? '(service-wide)',
          entry.service,
          entry.role,
          formatBytes(entry.sizeBytes),
          formatAge(entry.createdAt, now),
          entry.ref,
        ]),
      ),
    );
    return 0;
  },
};
