import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import { type EngineBuildRequest, unavailableSecretSource } from '@deployer/contracts';
import { BuildahError } from '../failures/errors.js';

/** Checks what buildah would otherwise fail on late or obscurely, naming what to fix. */
export async function validateRequest(
  request: EngineBuildRequest,
  env: Readonly<Record<string, string | undefined>>,
): Promise<void> {
  const details = { kind: 'user' as const, buildUuid: request.buildUuid, service: request.service };
  if (request.images.length === 0) {
    throw new BuildahError('UNSUPPORTED_REQUEST', 'a build needs at least one image to push', details);
  }
  // planCache refuses what buildah cannot cache (the tag strategy) when asked for engine buildah: a plan
  // made for buildah is one buildah can use, so that is all there is to check here.
  if (request.cache.engine !== 'buildah') {
    throw new BuildahError(
      'UNSUPPORTED_REQUEST',
      `the cache plan was made for engine "${request.cache.engine}" (${request.cache.registry}): plan the cache for engine "buildah"`,
      details,
    );
  }
  const dockerfile = resolve(request.contextDir, request.dockerfile);
  if (!(await readable(dockerfile))) {
    throw new BuildahError(
      'DOCKERFILE_INVALID',
      `Dockerfile ${dockerfile} does not exist or is not readable`,
      details,
    );
  }
  const unavailable = await unavailableSecretSource(request.secrets ?? [], env);
  if (unavailable !== null) throw new BuildahError('SECRET_NOT_FOUND', unavailable.reason, details);
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
