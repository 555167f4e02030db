import type { CacheEndpoint, CacheSeeding } from '@deployer/contracts';
import type { BuildSession } from '../engine/build-session.js';
import { BuildahError } from '../failures/errors.js';
import type { CacheImageRef } from '../progress/output-parser.js';
import { mountCacheImages } from './mount-cache-image.js';

/**
 * Layers buildah pulled from another environment's cache are not pushed to `--cache-to`, so the own
 * repository would lack them and its next build (which reads only its own cache, see
 * chooseCacheSource) would miss. Mounting them over keeps the own cache complete without moving their
 * bytes. A failure here costs cache hits later, not this build: it becomes a warning and `none`.
 */
export async function seedOwnCache(
  session: BuildSession,
  pulled: readonly CacheImageRef[],
  own: CacheEndpoint,
): Promise<CacheSeeding> {
  const foreign = pulled.filter((image) => image.repository !== own.repository);
  if (foreign.length === 0) {
    return {
      status: 'none',
      reason:
        pulled.length === 0 ? 'no cache image was pulled' : 'every cache image came from the own repository',
    };
  }
  const copies = foreign.map((image) => ({
    source: `${image.repository}:${image.tag}`,
    destination: `${own.repository}:${image.tag}`,
  }));
  const copy = session.options.copyCacheImages ?? mountCacheImages;
  try {
    await copy(copies, {
      insecure: session.insecure.has(session.request.cache.registry),
      dockerConfigDir: session.options.dockerConfigDir ?? null,
      env: session.env,
      ...(session.request.signal && { signal: session.request.signal }),
    });
  } catch (error) {
    if (session.request.signal?.aborted) {
      throw new BuildahError('CANCELLED', 'the build was cancelled', {
        kind: 'cancelled',
        buildUuid: session.request.buildUuid,
        service: session.request.service,
      });
    }
    const message = `could not mount ${copies.length} cache image(s) into ${own.repository}: ${(error as Error).message}`;
    session.emit({ type: 'warning', message });
    return { status: 'none', reason: message };
  }
  const sources = [...new Set(foreign.map((image) => image.repository))].join(', ');
  return {
    status: 'mounted',
    reason: `${copies.length} cache image(s) mounted from ${sources} into ${own.repository}`,
  };
}
