import type { CommandUsage } from '../../cli/command.js';
import { planningFlags } from '../../cli/planning-flags.js';
import { buildFlags } from './build.js';

export const serveFlags = {
  config: {
    type: 'string',
    short: 'c',
    value: '<server.yaml>',
    description:
      'the repositories to serve (or DEPLOYER_SERVER_CONFIG); schema: @deployer/server/server-config.schema.json',
  },
  'database-url': {
    type: 'string',
    value: '<postgres://…>',
    description:
      'Postgres shared by several replicas (or DATABASE_URL); default an embedded database in --state-dir',
  },
  'state-dir': {
    type: 'string',
    value: '<dir>',
    description: 'the embedded database (default .deployer/state)',
  },
  'work-dir': {
    type: 'string',
    value: '<dir>',
    description: 'checkouts, one per running job (default .deployer/work)',
  },
  listen: {
    type: 'string',
    value: '<host:port>',
    description: 'where to listen (or DEPLOYER_LISTEN; default 127.0.0.1:8080)',
  },
  replica: {
    type: 'string',
    value: '<name>',
    description: "this replica's name on its jobs and its environments' claims (default host-pid)",
  },
  concurrency: {
    type: 'string',
    value: '<n>',
    description: 'jobs this replica runs at once, 1 to 64 (default 2)',
  },
  'claim-seconds': {
    type: 'string',
    value: '<s>',
    description:
      "how long a replica's claim of an environment lasts unless renewed; a dead replica's build moves after it (default 30)",
  },
  // --claim-seconds' old name, still accepted: serve warns on stderr when it is used.
  'lease-seconds': {
    type: 'string',
    value: '<s>',
    description: 'deprecated: --claim-seconds',
    renamedTo: 'claim-seconds',
  },
  'drain-seconds': {
    type: 'string',
    value: '<s>',
    description:
      'on SIGTERM, how long running builds may finish before they go back to the queue (default 60)',
  },
  'buildkit-host': planningFlags['buildkit-host'],
  'builds-per-daemon': buildFlags['builds-per-daemon'],
  'buildah-storage-driver': planningFlags['buildah-storage-driver'],
  // Never a file found in the working directory: serve runs only the module its operator names.
  'config-module': {
    type: 'string',
    value: '<path>',
    description:
      'config module with engines, hooks and registry profiles (DEPLOYER_CONFIG_MODULE; none unless named)',
  },
  'sweep-minutes': {
    type: 'string',
    value: '<m>',
    description:
      "how often idle environments past their repository's ttl are torn down, across all replicas (default 60)",
  },
} as const;

export const serveUsage: CommandUsage = {
  path: ['serve'],
  summary: 'preview environments from GitHub pull requests: webhooks in, builds queued in the database',
  usage:
    'deployer serve -c server.yaml [--database-url postgres://…] [--listen host:port] [--buildkit-host A]… [--builds-per-daemon N]  (with DEPLOYER_WEBHOOK_SECRET, DEPLOYER_API_TOKEN set)',
  flags: serveFlags,
};
