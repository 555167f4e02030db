import type { CommandUsage } from '../../cli/command.js';
import { environmentFlags } from '../../cli/environment-flags.js';

export const cacheGcFlags = {
  ...environmentFlags,
  'older-than': {
    type: 'string',
    value: '<age>',
    description:
      "delete refs last written, and other environments' images built, longer ago: a positive duration, e.g. 14d, 12h, 30m",
  },
  'dry-run': { type: 'boolean', description: 'show what would be deleted, delete nothing' },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const cacheGcUsage: CommandUsage = {
  path: ['cache', 'gc'],
  summary:
    "delete stale environments' cache refs, images no environment uses now, and leases of runs that are gone (never a fallback environment's)",
  usage: 'deployer cache gc -f env.yaml --older-than 14d [--dry-run] [--json]',
  flags: cacheGcFlags,
};
