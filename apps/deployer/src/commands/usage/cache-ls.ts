import type { CommandUsage } from '../../cli/command.js';
import { environmentFlags } from '../../cli/environment-flags.js';

export const cacheLsFlags = {
  ...environmentFlags,
  uuid: {
    type: 'string',
    value: '<buildUuid>',
    description: 'only this environment (and mark its fallbacks)',
  },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const cacheLsUsage: CommandUsage = {
  path: ['cache', 'ls'],
  summary: 'list cache refs per environment, with size and age',
  usage: 'deployer cache ls -f env.yaml [--uuid U] [--json]',
  flags: cacheLsFlags,
};
