/** The registry kinds deployer knows a profile for (`kind` in the config, `--kind`). No schema here: see registry-profiles.ts. */
export const registryKinds = [
  'distribution',
  'ecr',
  'gar',
  'ghcr',
  'acr',
  'dockerhub',
  'harbor',
  'quay',
] as const;
