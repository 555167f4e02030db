import type { FlagSpecs } from './args.js';
import { environmentFlags } from './environment-flags.js';
import { fallbackFlags } from './fallback-flags.js';

/** The flags of the commands that plan an environment's build (`build`, `plan`). */
export const planningFlags = {
  ...environmentFlags,
  uuid: { type: 'string', value: '<buildUuid>', description: 'the environment (default: a new one)' },
  ...fallbackFlags,
  service: {
    type: 'string',
    multiple: true,
    value: '<name>',
    description: 'only this service (and its deps)',
  },
  engine: {
    type: 'string',
    value: '<engine>',
    // Not a fixed list: a config module may register engines; the assembly refuses an unknown one.
    description: "build engine: auto, buildkit, buildx, buildah or a config module's (DEPLOYER_ENGINE)",
  },
  force: { type: 'boolean', description: 'rebuild images that already exist' },
  'git-sha': {
    type: 'string',
    value: '<sha>',
    description: 'tag images with this instead of their content digest',
  },
  'buildkit-host': {
    type: 'string',
    multiple: true,
    value: '<address>',
    description:
      'BuildKit daemon, repeat for a pool; dns://name:port for every address of a name (DEPLOYER_BUILDKIT_HOSTS, BUILDKIT_HOST)',
  },
  'buildah-storage-driver': {
    type: 'string',
    value: '<driver>',
    choices: ['overlay', 'vfs'],
    description:
      'buildah storage driver, overlay or vfs (DEPLOYER_BUILDAH_STORAGE_DRIVER; default overlay when it works here, else vfs)',
  },
} as const satisfies FlagSpecs;
