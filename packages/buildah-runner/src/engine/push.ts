import { readFile } from 'node:fs/promises';
import { parseImageReference } from '@deployer/cache-ref';
import { buildahPushArgs } from '../command-line/buildah-command.js';
import { classifyFailure } from '../failures/classify.js';
import { retryTransient } from '../failures/retry.js';
import { type BuildSession, succeeded } from './build-session.js';

/**
 * Pushes the built image to each name, one after another, only after the build succeeded: a failed
 * build pushes no tag, and a failed push names its ref and the refs already pushed. Returns the
 * registry's digest of the image.
 */
export async function pushImages(session: BuildSession, imageId: string): Promise<string> {
  const pushed: string[] = [];
  let imageDigest: string | null = null;
  for (const [index, ref] of session.request.images.entries()) {
    const digestFile = session.workspace.digestFile(index);
    const registry = parseImageReference(ref).registry;
    await retryTransient(
      () => push(session, imageId, ref, digestFile, session.insecure.has(registry), pushed),
      session.retryPolicy(),
    );
    imageDigest ??= (await readFile(digestFile, 'utf8')).trim();
    pushed.push(ref);
  }
  return imageDigest!;
}

/** One `buildah push`; its output becomes `push` log events, its failure a classified error. */
async function push(
  session: BuildSession,
  image: string,
  ref: string,
  digestFile: string | null,
  insecure: boolean,
  pushedRefs: readonly string[],
): Promise<void> {
  const { registryRetryDelayMs } = session.options;
  const args = buildahPushArgs({
    image,
    ref,
    digestFile,
    insecure,
    authFile: session.workspace.authFile,
    ...(registryRetryDelayMs === undefined ? {} : { retryDelayMs: registryRetryDelayMs }),
  });
  const tail: string[] = [];
  let errorMessage: string | null = null;
  const outcome = await session.buildah(args, (stream, line) => {
    tail.push(line);
    if (tail.length > 20) tail.shift();
    // The registry's own reason follows on the lines after `Error: … errors:`: keep them.
    if (line.startsWith('Error: ')) errorMessage = line.slice('Error: '.length);
    else if (errorMessage !== null && line.trim() !== '') errorMessage = `${errorMessage} ${line.trim()}`;
    session.emit({ type: 'log', stepId: 'push', stream, line });
  });
  if (succeeded(outcome)) return;
  throw classifyFailure({
    phase: 'push',
    errorMessage,
    ...outcome,
    step: null,
    logTail: tail,
    ref,
    pushedRefs: [...pushedRefs],
    buildUuid: session.request.buildUuid,
    service: session.request.service,
  });
}
