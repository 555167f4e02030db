import type { FlagSpecs } from './args.js';

export const fallbackFlags = {
  fallback: {
    type: 'string',
    multiple: true,
    value: '<uuid>',
    description: "environment to warm from, in order (replaces the spec's fallbacks)",
  },
  'no-fallbacks': { type: 'boolean', description: "ignore the spec's fallbacks: a cold build" },
} as const satisfies FlagSpecs;
