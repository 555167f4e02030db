import { CacheRefError, parseImageReference } from '@deployer/cache-ref';
import type { EngineBuildRequest } from '@deployer/contracts';
import { BuildkitError } from '../failures/errors.js';

/** The parts of a request that shape the command line. */
export type BuildCommandRequest = Pick<
  EngineBuildRequest,
  | 'contextDir'
  | 'dockerfile'
  | 'target'
  | 'buildArgs'
  | 'secrets'
  | 'labels'
  | 'platforms'
  | 'images'
  | 'cache'
  | 'insecureRegistries'
>;

function invalid(rule: string): never {
  throw new BuildkitError('INVALID_REQUEST', `build request: ${rule}`);
}

const secretId = /^[A-Za-z0-9_.-]+$/;
const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const argName = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
const labelKey = /^[^=\s]+$/;
const platform = /^[a-z0-9_]+\/[a-z0-9_]+(?:\/[a-z0-9_.]+)?$/;
const target = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
// buildctl and buildx read --secret values as CSV: a comma, quote or newline would change their meaning.
const csvUnsafe = /[,"\n\r]/;

/**
 * Rejects what could not be passed safely as one argv value each: names that would be split by
 * buildctl's CSV parsing, or break the `key=value` form. Values are never echoed into messages.
 */
export function validateBuildRequest(request: BuildCommandRequest): void {
  if (request.contextDir === '') invalid('contextDir is empty');
  if (request.dockerfile === '') invalid('dockerfile is empty');
  if (request.images.length === 0) invalid('images is empty: BuildKit builds here always push');
  for (const image of request.images) {
    try {
      parseImageReference(image);
    } catch (error) {
      if (error instanceof CacheRefError) invalid(`image ${JSON.stringify(image)}: ${error.rule}`);
      throw error;
    }
  }
  if (request.target !== undefined && !target.test(request.target)) {
    invalid(`target ${JSON.stringify(request.target)} is not a stage name`);
  }
  for (const value of request.platforms ?? []) {
    if (!platform.test(value)) invalid(`platform ${JSON.stringify(value)} is not os/arch[/variant]`);
  }
  for (const name of Object.keys(request.buildArgs ?? {})) {
    if (!argName.test(name)) invalid(`build arg name ${JSON.stringify(name)} is not a valid ARG name`);
  }
  for (const key of Object.keys(request.labels ?? {})) {
    if (!labelKey.test(key)) invalid(`label key ${JSON.stringify(key)} may not contain "=" or spaces`);
  }
  const ids = new Set<string>();
  for (const secret of request.secrets ?? []) {
    if (!secretId.test(secret.id)) invalid(`secret id ${JSON.stringify(secret.id)}: use [A-Za-z0-9_.-]`);
    if (ids.has(secret.id)) invalid(`secret id ${JSON.stringify(secret.id)} appears twice`);
    ids.add(secret.id);
    if ('env' in secret) {
      if (!envName.test(secret.env))
        invalid(`secret ${secret.id}: ${JSON.stringify(secret.env)} is no env name`);
    } else if (secret.file === '' || csvUnsafe.test(secret.file)) {
      invalid(`secret ${secret.id}: file path is empty or contains a comma, quote or newline`);
    }
  }
}
