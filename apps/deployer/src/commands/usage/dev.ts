import type { CommandUsage } from '../../cli/command.js';

export const dirFlag = {
  dir: {
    type: 'string',
    value: '<path>',
    description: 'where the local stack keeps its data (default .deployer)',
  },
  json: { type: 'boolean', description: 'print JSON' },
} as const;

export const upFlags = {
  ...dirFlag,
  port: { type: 'string', value: '<n>', description: 'registry port (default: a free one)' },
} as const;

export const downFlags = {
  ...dirFlag,
  purge: { type: 'boolean', description: 'also delete the registry data' },
} as const;

export const devUpUsage: CommandUsage = {
  path: ['dev', 'up'],
  summary: 'start a local registry on loopback and seed the base image the examples build FROM',
  usage: 'deployer dev up [--port N] [--dir .deployer] [--json]',
  flags: upFlags,
};

export const devDownUsage: CommandUsage = {
  path: ['dev', 'down'],
  summary: 'stop the local registry (its data stays unless --purge)',
  usage: 'deployer dev down [--purge] [--dir .deployer]',
  flags: downFlags,
};

export const devStatusUsage: CommandUsage = {
  path: ['dev', 'status'],
  summary: 'show whether the local stack runs, and its addresses',
  usage: 'deployer dev status [--dir .deployer] [--json]',
  flags: dirFlag,
};
