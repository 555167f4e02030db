import { join } from 'node:path';
import type { EngineSettings } from '../engine/options.js';
import { buildctlArgs } from './buildctl-args.js';
import { buildxArgs } from './buildx-args.js';
import type { BuildCommandRequest } from './validate-request.js';

/** The files one attempt has buildctl (or buildx) write, inside the attempt's own directory. */
export interface AttemptFiles {
  traceFile: string;
  metadataFile: string;
}

export function attemptFiles(workDir: string): AttemptFiles {
  return { traceFile: join(workDir, 'trace.jsonl'), metadataFile: join(workDir, 'metadata.json') };
}

/**
 * The argv (without the binary) of one attempt, for the configured driver. The one place a build's
 * command line is composed: every attempt runs it, and the engine's `argv` (what `plan` shows) returns it.
 */
export function attemptArgs(
  request: BuildCommandRequest,
  settings: EngineSettings,
  files: AttemptFiles,
  withoutImports: readonly string[],
): string[] {
  if (settings.driver === 'buildctl') {
    return buildctlArgs(request, {
      address: settings.address,
      ...(settings.tls === undefined ? {} : { tls: settings.tls }),
      ...files,
      withoutImports,
    });
  }
  return buildxArgs(request, {
    ...(settings.builder === undefined ? {} : { builder: settings.builder }),
    metadataFile: files.metadataFile,
    withoutImports,
  });
}
