import { readFile, rm } from 'node:fs/promises';
import type { CacheEndpoint } from '@deployer/contracts';
import { buildahBuildArgs } from '../command-line/args.js';
import { classifyFailure } from '../failures/classify.js';
import { BuildahOutputParser, type BuildahOutputSummary } from '../progress/output-parser.js';
import { type BuildSession, succeeded } from './build-session.js';

export interface BuiltImage {
  summary: BuildahOutputSummary;
  /** The local image id from `--iidfile`. */
  imageId: string;
}

/** One run of `buildah build`: its output parsed into events, its failure classified. */
export async function buildOnce(session: BuildSession, cacheFrom: CacheEndpoint | null): Promise<BuiltImage> {
  await rm(session.workspace.iidFile, { force: true });
  const parser = new BuildahOutputParser({ onEvent: session.emit });
  const args = buildArgs(session, cacheFrom?.repository ?? null);
  const outcome = await session.buildah(args, (stream, line) => parser.line(stream, line));
  if (succeeded(outcome)) {
    const summary = parser.finish(null);
    const imageId = (await readFile(session.workspace.iidFile, 'utf8')).trim();
    return { summary, imageId };
  }
  const step = parser.currentStep;
  const error = classifyFailure({
    phase: 'build',
    errorMessage: parser.lastError,
    ...outcome,
    step: step?.name ?? null,
    logTail: step?.logTail ?? [],
    buildUuid: session.request.buildUuid,
    service: session.request.service,
  });
  parser.finish(error.message);
  throw error;
}

/** `buildah build`'s arguments after the global flags: the one composer for `buildOnce` and `argv`. */
export function buildArgs(session: BuildSession, cacheFrom: string | null): string[] {
  const { request, options, workspace } = session;
  return buildahBuildArgs(request, {
    isolation: options.isolation ?? 'chroot',
    cacheFrom,
    cacheTo: request.cache.export?.repository ?? null,
    iidFile: workspace.iidFile,
    authFile: workspace.authFile,
    ...(options.registryRetryDelayMs === undefined ? {} : { retryDelayMs: options.registryRetryDelayMs }),
    ...(options.jobs === undefined ? {} : { jobs: options.jobs }),
  });
}
