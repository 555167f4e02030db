import type { CommandUsage } from '../../cli/command.js';
import { planningFlags } from '../../cli/planning-flags.js';

export const planFlags = {
  ...planningFlags,
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const planUsage: CommandUsage = {
  path: ['plan'],
  summary: 'show what a build would do: images, cache refs and the engine command line; builds nothing',
  usage:
    'deployer plan -f env.yaml [--uuid U] [--fallback U]… [--service S]… [--engine E] [--buildkit-host A] [--force] [--json]',
  flags: planFlags,
};
