import type { FlagSpecs } from './args.js';

/** Flags every command that reads an environment spec takes; each also has an environment variable. */
export const environmentFlags = {
  file: { type: 'string', short: 'f', value: '<env.yaml>', description: 'the environment spec' },
  root: {
    type: 'string',
    value: '<dir>',
    description:
      "contexts, Dockerfiles and secret files stay inside it (DEPLOYER_ROOT; default: the spec's directory)",
  },
  registry: { type: 'string', value: '<host[:port]>', description: 'image registry (DEPLOYER_REGISTRY)' },
  'cache-registry': {
    type: 'string',
    value: '<host[:port]>',
    description: 'cache registry (DEPLOYER_CACHE_REGISTRY)',
  },
  'insecure-registry': {
    type: 'string',
    multiple: true,
    value: '<host[:port]>',
    description: 'registry reached over plain HTTP (DEPLOYER_INSECURE_REGISTRIES, comma-separated)',
  },
  'config-module': {
    type: 'string',
    value: '<path>',
    description:
      'config module with engines, hooks and registry profiles (DEPLOYER_CONFIG_MODULE); never looked for in the working directory',
  },
} as const satisfies FlagSpecs;
