import type { CommandUsage } from '../../cli/command.js';
import { environmentFlags } from '../../cli/environment-flags.js';

export const cacheGcFlags = {
  ...environmentFlags,
  'older-than': {
    type: 'string',
    value: '<age>',
    description: 'delete refs last written longer ago, e.g. 14d, 12h',
  },
  'dry-run': { type: 'boolean', description: 'show what would be deleted, delete nothing' },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const cacheGcUsage: CommandUsage = {
  path: ['cache', 'gc'],
  summary: "delete stale environments' cache refs (never a fallback environment's)",
  usage: 'deployer cache gc -f env.yaml --older-than 14d [--dry-run] [--json]',
  flags: cacheGcFlags,
};
