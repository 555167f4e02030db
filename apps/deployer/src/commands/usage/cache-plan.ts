import { registryKinds } from '@deployer/cache-ref/names';
import { cacheFlavours } from '@deployer/contracts';
import type { CommandUsage } from '../../cli/command.js';

export const cachePlanFlags = {
  registry: { type: 'string', value: '<host[:port]>', description: 'cache registry' },
  repository: { type: 'string', value: '<repo>', description: 'cache repository path, e.g. next-web' },
  service: { type: 'string', value: '<name>', description: 'service being built' },
  uuid: {
    type: 'string',
    value: '<buildUuid>',
    description: 'the environment; without it nothing is exported',
  },
  fallback: {
    type: 'string',
    multiple: true,
    value: '<uuid>',
    description: 'environment to warm from, in order',
  },
  kind: {
    type: 'string',
    value: '<profile>',
    choices: registryKinds,
    description: 'registry kind, overriding detection',
  },
  strategy: {
    type: 'string',
    value: '<strategy>',
    choices: ['path', 'tag', 'auto'],
    description: 'ref layout',
  },
  engine: {
    type: 'string',
    value: '<engine>',
    choices: cacheFlavours,
    description: 'flags for this engine',
  },
  insecure: { type: 'boolean', description: 'the registry speaks plain HTTP' },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const cachePlanUsage: CommandUsage = {
  path: ['cache', 'plan'],
  summary: 'show the cache refs and build flags for one service in one environment',
  usage:
    'deployer cache plan --registry <host[:port]> --repository <repo> --service <name> [--uuid <buildUuid>] [--fallback <uuid>]… [--kind <profile>] [--strategy path|tag|auto] [--insecure] [--json]',
  flags: cachePlanFlags,
};
