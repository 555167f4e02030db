import { resolve } from 'node:path';
import { imageOutput } from './image-output.js';
import type { BuildCommandRequest } from './validate-request.js';

export interface BuildxArgsOptions {
  /** buildx builder instance (`--builder`); absent: the current builder. */
  builder?: string;
  metadataFile: string;
  withoutImports?: readonly string[];
}

/**
 * The argv (without the binary) of `docker buildx build` for a request: the laptop path. Progress comes
 * as `--progress=rawjson` (one SolveStatus per line on stderr), the digest from `--metadata-file`.
 */
export function buildxArgs(request: BuildCommandRequest, options: BuildxArgsOptions): string[] {
  const contextDir = resolve(request.contextDir);
  const output = imageOutput(request, options.withoutImports);

  const args = ['buildx', 'build'];
  if (options.builder !== undefined) args.push('--builder', options.builder);
  args.push('--file', resolve(contextDir, request.dockerfile));
  if (request.target !== undefined) args.push('--target', request.target);
  if (request.platforms !== undefined && request.platforms.length > 0) {
    args.push('--platform', request.platforms.join(','));
  }
  for (const [name, value] of Object.entries(request.buildArgs ?? {}))
    args.push('--build-arg', `${name}=${value}`);
  for (const [key, value] of Object.entries(request.labels ?? {})) args.push('--label', `${key}=${value}`);
  for (const secret of request.secrets ?? []) {
    args.push(
      '--secret',
      'env' in secret ? `id=${secret.id},env=${secret.env}` : `id=${secret.id},src=${secret.file}`,
    );
  }
  for (const name of output.names) args.push('--tag', name);
  // --push cannot say "plain HTTP"; the explicit image output can (buildx fills in the names from --tag).
  if (output.insecure) args.push('--output', 'type=image,push=true,registry.insecure=true');
  else args.push('--push');
  if (output.exportCache !== null) args.push('--cache-to', output.exportCache);
  for (const value of output.importCache) args.push('--cache-from', value);
  args.push('--metadata-file', options.metadataFile, '--progress=rawjson', contextDir);
  return args;
}
