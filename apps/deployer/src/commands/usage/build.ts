import type { CommandUsage } from '../../cli/command.js';
import { planningFlags } from '../../cli/planning-flags.js';

export const buildFlags = {
  ...planningFlags,
  concurrency: { type: 'string', value: '<n>', description: 'builds at once (default 4)' },
  'builds-per-daemon': {
    type: 'string',
    value: '<n>',
    description: "a BuildKit pool's builds per daemon at once (default: its deployer.cpus label, else 4)",
  },
  'keep-going': { type: 'boolean', description: 'keep building what does not depend on a failure' },
  'content-mtimes': {
    type: 'boolean',
    description:
      "BuildKit: first set each context file's mtime from its content, so a shared daemon never mixes up contexts (rewrites the files' timestamps)",
  },
  json: { type: 'boolean', description: 'print the JSON report' },
} as const;

export const buildUsage: CommandUsage = {
  path: ['build'],
  summary: "build every service of an environment with the environment's own cache",
  usage:
    'deployer build -f env.yaml [--uuid U] [--fallback U]… [--service S]… [--concurrency N] [--keep-going] [--force] [--buildkit-host A]… [--builds-per-daemon N] [--content-mtimes] [--json]',
  flags: buildFlags,
};
