import { basename, dirname, resolve } from 'node:path';
import type { BuildkitAddress, BuildkitTls } from './address.js';
import { csvField, imageOutput } from './image-output.js';
import type { BuildCommandRequest } from './validate-request.js';

export interface BuildctlArgsOptions {
  /** Validated daemon address; absent: buildctl's own default (or its BUILDKIT_HOST). */
  address?: BuildkitAddress | null;
  tls?: BuildkitTls;
  /** Where buildctl writes its JSON status stream (`--trace`). */
  traceFile: string;
  /** Where buildctl writes the exporter response (`--metadata-file`). */
  metadataFile: string;
  /** Imported cache refs to leave out (a corrupt import). */
  withoutImports?: readonly string[];
}

/** buildctl's connection flags (`--addr`, TLS), before any subcommand: `build`, or a pool's `debug workers`. */
export function buildctlConnectionArgs(
  address: BuildkitAddress | null | undefined,
  tls: BuildkitTls | undefined,
): string[] {
  const flags = address ? ['--addr', address.address] : [];
  if (tls === undefined) return flags;
  const pairs: Array<[string, string | undefined]> = [
    ['--tlsservername', tls.serverName],
    ['--tlscacert', tls.ca],
    ['--tlscert', tls.cert],
    ['--tlskey', tls.key],
    ['--tlsdir', tls.dir],
  ];
  for (const [flag, value] of pairs) if (value !== undefined) flags.push(flag, value);
  return flags;
}

/**
 * The argv (without the binary) of `buildctl build` for a request. Secrets go by id and env name or
 * file path, never by value; registry credentials travel in DOCKER_CONFIG, never here.
 */
export function buildctlArgs(request: BuildCommandRequest, options: BuildctlArgsOptions): string[] {
  const contextDir = resolve(request.contextDir);
  const dockerfile = resolve(contextDir, request.dockerfile);
  const output = imageOutput(request, options.withoutImports);

  const args = [
    ...buildctlConnectionArgs(options.address, options.tls),
    'build',
    '--frontend',
    'dockerfile.v0',
    '--local',
    `context=${contextDir}`,
    '--local',
    `dockerfile=${dirname(dockerfile)}`,
    '--opt',
    `filename=${basename(dockerfile)}`,
  ];
  if (request.target !== undefined) args.push('--opt', `target=${request.target}`);
  if (request.platforms !== undefined && request.platforms.length > 0) {
    args.push('--opt', `platform=${request.platforms.join(',')}`);
  }
  for (const [name, value] of Object.entries(request.buildArgs ?? {})) {
    args.push('--opt', `build-arg:${name}=${value}`);
  }
  for (const [key, value] of Object.entries(request.labels ?? {}))
    args.push('--opt', `label:${key}=${value}`);
  for (const secret of request.secrets ?? []) {
    args.push(
      '--secret',
      'env' in secret ? `id=${secret.id},env=${secret.env}` : `id=${secret.id},src=${secret.file}`,
    );
  }

  const outputAttributes = ['type=image', csvField(`name=${output.names.join(',')}`), 'push=true'];
  if (output.insecure) outputAttributes.push('registry.insecure=true');
  args.push('--output', outputAttributes.join(','));
  if (output.exportCache !== null) args.push('--export-cache', output.exportCache);
  for (const value of output.importCache) args.push('--import-cache', value);

  args.push('--metadata-file', options.metadataFile, '--trace', options.traceFile, '--progress', 'plain');
  return args;
}
