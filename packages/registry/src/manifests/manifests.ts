import { isDigest, sha256Digest } from '../blobs/digest.js';
import { RegistryError } from '../errors.js';
import {
  type CallOptions,
  deleteScope,
  formatRef,
  pullScope,
  pushScope,
  type RegistryContext,
} from '../http/context.js';
import { MANIFEST_ACCEPT } from './media-types.js';
import type { Manifest } from './types.js';

export interface ManifestHead {
  mediaType: string;
  digest: string;
  size: number;
}

export interface FetchedManifest extends ManifestHead {
  /** The exact bytes the registry stored (re-serialising would change the digest). */
  bytes: Buffer;
  manifest: Manifest;
}

const path = (repository: string, reference: string) => `/v2/${repository}/manifests/${reference}`;

/** HEAD: the manifest's digest, type and size without its body; undefined when it does not exist. */
export async function headManifest(
  ctx: RegistryContext,
  repository: string,
  reference: string,
  options: CallOptions = {},
): Promise<ManifestHead | undefined> {
  const response = await ctx.http.request({
    operation: 'manifest.head',
    ref: formatRef(ctx.host, repository, reference),
    method: 'HEAD',
    path: path(repository, reference),
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repository)],
    ok: [200],
    passThrough: [404],
    notFoundCode: 'MANIFEST_UNKNOWN',
    signal: options.signal,
  });
  if (response.status === 404) return undefined;
  const digest =
    response.headers.get('docker-content-digest') ?? (isDigest(reference) ? reference : undefined);
  if (!digest) {
    // Some registries omit the digest on HEAD; the body lets us compute it.
    const fetched = await getManifest(ctx, repository, reference, options);
    return { mediaType: fetched.mediaType, digest: fetched.digest, size: fetched.size };
  }
  return {
    mediaType: response.headers.get('content-type') ?? '',
    digest,
    size: Number(response.headers.get('content-length') ?? 0),
  };
}

/** GET: the manifest with its bytes; verifies the content when fetched by digest. */
export async function getManifest(
  ctx: RegistryContext,
  repository: string,
  reference: string,
  options: CallOptions = {},
): Promise<FetchedManifest> {
  const ref = formatRef(ctx.host, repository, reference);
  const response = await ctx.http.request({
    operation: 'manifest.get',
    ref,
    method: 'GET',
    path: path(repository, reference),
    headers: { accept: MANIFEST_ACCEPT },
    scopes: [pullScope(repository)],
    ok: [200],
    notFoundCode: 'MANIFEST_UNKNOWN',
    signal: options.signal,
  });
  const computed = sha256Digest(response.body);
  if (isDigest(reference) && reference.startsWith('sha256:') && reference !== computed) {
    throw new RegistryError(`manifest.get ${ref}: content does not match its digest`, {
      code: 'DIGEST_MISMATCH',
      operation: 'manifest.get',
      ref,
    });
  }
  let manifest: Manifest;
  try {
    manifest = JSON.parse(response.body.toString('utf8')) as Manifest;
  } catch {
    throw new RegistryError(`manifest.get ${ref}: body is not JSON`, {
      code: 'INVALID_RESPONSE',
      operation: 'manifest.get',
      ref,
    });
  }
  return {
    mediaType: response.headers.get('content-type') ?? manifest.mediaType ?? '',
    digest: computed,
    size: response.body.length,
    bytes: response.body,
    manifest,
  };
}

/** PUT under a tag or digest. Objects are serialised as JSON and typed by their `mediaType`. */
export async function putManifest(
  ctx: RegistryContext,
  repository: string,
  reference: string,
  manifest: Manifest | Uint8Array,
  options: CallOptions & { mediaType?: string } = {},
): Promise<ManifestHead> {
  const bytes =
    manifest instanceof Uint8Array ? Buffer.from(manifest) : Buffer.from(JSON.stringify(manifest));
  const mediaType =
    options.mediaType ?? (manifest instanceof Uint8Array ? undefined : manifest.mediaType) ?? undefined;
  const ref = formatRef(ctx.host, repository, reference);
  if (!mediaType) {
    throw new RegistryError(`manifest.put ${ref}: mediaType is required`, {
      code: 'MANIFEST_INVALID',
      operation: 'manifest.put',
      ref,
    });
  }
  const response = await ctx.http.request({
    operation: 'manifest.put',
    ref,
    method: 'PUT',
    path: path(repository, reference),
    headers: { 'content-type': mediaType },
    body: bytes,
    scopes: [pushScope(repository)],
    ok: [201, 200],
    signal: options.signal,
  });
  return {
    mediaType,
    digest: response.headers.get('docker-content-digest') ?? sha256Digest(bytes),
    size: bytes.length,
  };
}

/** DELETE by digest (registries refuse deleting by tag). Removes every tag pointing at it. */
export async function deleteManifest(
  ctx: RegistryContext,
  repository: string,
  digest: string,
  options: CallOptions & { once?: boolean } = {},
): Promise<void> {
  if (!isDigest(digest)) throw new TypeError(`deleteManifest needs a digest, got ${JSON.stringify(digest)}`);
  await ctx.http.request({
    // `once`: the caller repeats more than this request after a failure (see untag.ts).
    ...(options.once === true && { idempotent: false }),
    operation: 'manifest.delete',
    ref: formatRef(ctx.host, repository, digest),
    method: 'DELETE',
    path: path(repository, digest),
    scopes: [deleteScope(repository)],
    ok: [202, 200, 204],
    notFoundCode: 'MANIFEST_UNKNOWN',
    signal: options.signal,
  });
}

/** Tag → digest; throws MANIFEST_UNKNOWN when the tag does not exist. */
export async function resolveTag(
  ctx: RegistryContext,
  repository: string,
  tag: string,
  options: CallOptions = {},
): Promise<string> {
  const head = await headManifest(ctx, repository, tag, options);
  if (!head) {
    throw new RegistryError(
      `manifest.resolve ${formatRef(ctx.host, repository, tag)} failed: 404 MANIFEST_UNKNOWN`,
      {
        code: 'MANIFEST_UNKNOWN',
        status: 404,
        operation: 'manifest.resolve',
        ref: formatRef(ctx.host, repository, tag),
      },
    );
  }
  return head.digest;
}
