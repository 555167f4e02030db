import type { CommandUsage } from '../../cli/command.js';
import { environmentFlags } from '../../cli/environment-flags.js';

export const downFlags = {
  ...environmentFlags,
  uuid: { type: 'string', value: '<buildUuid>', description: 'the environment to tear down (required)' },
  'dry-run': { type: 'boolean', description: 'show what would be deleted, delete nothing' },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const downUsage: CommandUsage = {
  path: ['down'],
  summary:
    "delete an environment's cache refs, leases and image tags, and the images no other environment uses",
  usage: 'deployer down -f env.yaml --uuid U [--dry-run] [--json]',
  flags: downFlags,
};
