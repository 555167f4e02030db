import type { CommandUsage } from '../../cli/command.js';
import { planningFlags } from '../../cli/planning-flags.js';

export const buildFlags = {
  ...planningFlags,
  concurrency: { type: 'string', value: '<n>', description: 'builds at once (default 4)' },
  'keep-going': { type: 'boolean', description: 'keep building what does not depend on a failure' },
  json: { type: 'boolean', description: 'print the JSON report' },
} as const;

export const buildUsage: CommandUsage = {
  path: ['build'],
  summary: "build every service of an environment with the environment's own cache",
  usage:
    'deployer build -f env.yaml [--uuid U] [--fallback U]… [--service S]… [--concurrency N] [--keep-going] [--force] [--json]',
  flags: buildFlags,
};
