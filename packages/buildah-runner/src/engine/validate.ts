import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { EngineBuildRequest } from '@deployer/contracts';
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
  if (request.cache.strategy === 'tag') {
    throw new BuildahError(
      'UNSUPPORTED_REQUEST',
      `buildah caches per repository, so a tag-strategy cache plan (${request.cache.registry}) would mix environments: plan the cache for engine "buildah" with strategy "path"`,
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
  for (const secret of request.secrets ?? []) {
    const found = 'env' in secret ? env[secret.env] !== undefined : await readable(secret.file);
    if (!found) {
      const source = 'env' in secret ? `environment variable ${secret.env}` : `file ${secret.file}`;
      throw new BuildahError(
        'SECRET_NOT_FOUND',
        `secret ${secret.id}: ${source} is not set or readable`,
        details,
      );
    }
  }
}

async function readable(path: string): Promise<boolean> {
  try {
    await access(path, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}
