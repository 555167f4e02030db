import { Authenticator } from './auth/authenticator.js';
import type { Credentials } from './auth/credentials.js';
import { type DockerConfigOptions, resolveDockerCredentials } from './auth/docker-config.js';
import { getBlob, headBlob, mountBlob, type UploadedBlob, uploadBlob } from './blobs/blobs.js';
import type { CallOptions, RegistryContext } from './http/context.js';
import { HttpClient } from './http/http-client.js';
import { type RetryOptions, resolveRetryOptions } from './http/retry-policy.js';
import type { RequestEvent } from './http/send.js';
import { putAnnotationManifest } from './manifests/annotation-manifest.js';
import { type CopyManifestInput, copyManifest } from './manifests/copy.js';
import { deleteTaggedManifest } from './manifests/delete-tagged-manifest.js';
import {
  deleteManifest,
  type FetchedManifest,
  getManifest,
  headManifest,
  type ManifestHead,
  putManifest,
  resolveTag,
} from './manifests/manifests.js';
import type { Manifest } from './manifests/types.js';
import { type UntagOptions, untag } from './manifests/untag.js';
import { collect, listCatalogPages, listTagPages, type PageOptions } from './tags/tags.js';

export interface RegistryClientOptions {
  /** Registry host with optional port, as in image refs: `ghcr.io`, `127.0.0.1:5000`. */
  host: string;
  /**
   * Protocol. Default: `http` for loopback hosts (localhost, 127.0.0.0/8, ::1), which docker also
   * treats as insecure registries, `https` otherwise. `insecure: true` is shorthand for `http`.
   */
  scheme?: 'http' | 'https';
  insecure?: boolean;
  /**
   * Login. Default `'docker-config'`: resolved like docker from `DOCKER_CONFIG`/`~/.docker/config.json`
   * (credHelpers, credsStore, auths), only once the registry asks for it.
   */
  credentials?: Credentials | 'anonymous' | 'docker-config';
  dockerConfig?: DockerConfigOptions;
  /** Per HTTP request (body included). Default 30 s. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Called after every HTTP exchange (token requests and retries included), e.g. to count requests. */
  onRequest?: (event: RequestEvent) => void;
  userAgent?: string;
}

export function isLoopbackHost(host: string): boolean {
  const name = host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '::1' || /^127(?:\.\d{1,3}){3}$/.test(name);
}

export interface PingResult {
  /** `Docker-Distribution-API-Version`, e.g. `registry/2.0`. */
  apiVersion: string | null;
}

/** A client for one registry host. Safe to share: auth state and tokens are cached per instance. */
export class RegistryClient {
  readonly host: string;
  readonly baseUrl: string;
  readonly #ctx: RegistryContext;

  constructor(options: RegistryClientOptions) {
    this.host = options.host;
    const scheme = options.scheme ?? (options.insecure || isLoopbackHost(options.host) ? 'http' : 'https');
    this.baseUrl = `${scheme}://${options.host}`;
    const timeoutMs = options.timeoutMs ?? 30_000;
    const source = options.credentials ?? 'docker-config';
    const auth = new Authenticator({
      credentials: async () => {
        if (source === 'anonymous') return undefined;
        if (source === 'docker-config') return resolveDockerCredentials(options.host, options.dockerConfig);
        return source;
      },
      timeoutMs,
      onRequest: options.onRequest,
    });
    const http = new HttpClient({
      baseUrl: this.baseUrl,
      auth,
      retry: resolveRetryOptions(options.retry),
      timeoutMs,
      userAgent: options.userAgent ?? 'deployer-registry',
      onRequest: options.onRequest,
    });
    this.#ctx = { http, host: options.host };
  }

  /** `GET /v2/`: checks the registry speaks the distribution API and that the login works. */
  async ping(options: CallOptions = {}): Promise<PingResult> {
    const response = await this.#ctx.http.request({
      operation: 'ping',
      ref: this.host,
      method: 'GET',
      path: '/v2/',
      scopes: [],
      ok: [200],
      signal: options.signal,
    });
    return { apiVersion: response.headers.get('docker-distribution-api-version') };
  }

  headManifest(
    repository: string,
    reference: string,
    options?: CallOptions,
  ): Promise<ManifestHead | undefined> {
    return headManifest(this.#ctx, repository, reference, options);
  }

  getManifest(repository: string, reference: string, options?: CallOptions): Promise<FetchedManifest> {
    return getManifest(this.#ctx, repository, reference, options);
  }

  putManifest(
    repository: string,
    reference: string,
    manifest: Manifest | Uint8Array,
    options?: CallOptions & { mediaType?: string },
  ): Promise<ManifestHead> {
    return putManifest(this.#ctx, repository, reference, manifest, options);
  }

  deleteManifest(repository: string, digest: string, options?: CallOptions): Promise<void> {
    return deleteManifest(this.#ctx, repository, digest, options);
  }

  /** Removes exactly this tag, keeping other tags of the same image (see untag.ts); false when absent. */
  untag(repository: string, tag: string, options?: UntagOptions): Promise<boolean> {
    return untag(this.#ctx, repository, tag, options);
  }

  /**
   * Puts a manifest that carries only `annotations` (an empty config, no layers) at `tag`: a small record
   * in the registry whose digest is unique to what it records. Returns its digest.
   */
  putAnnotationManifest(
    repository: string,
    tag: string,
    annotations: Record<string, string>,
    options?: CallOptions,
  ): Promise<ManifestHead> {
    return putAnnotationManifest(this.#ctx, repository, tag, annotations, options);
  }

  resolveTag(repository: string, tag: string, options?: CallOptions): Promise<string> {
    return resolveTag(this.#ctx, repository, tag, options);
  }

  /**
   * Resolves the tag, then deletes its manifest by digest (deleteTaggedManifest: never left half done).
   * Note: the registry removes every tag that points at the same digest in this repository.
   */
  async deleteTag(repository: string, tag: string, options?: CallOptions): Promise<string> {
    const digest = await resolveTag(this.#ctx, repository, tag, options);
    await deleteTaggedManifest(this.#ctx, repository, digest, [tag], options);
    return digest;
  }

  /**
   * Deletes the manifest `digest` that `tags` point at, leaving those tags gone even where the registry
   * left the delete half done (see delete-tagged-manifest.ts). Other tags of that manifest go with it.
   */
  deleteTaggedManifest(
    repository: string,
    digest: string,
    tags: readonly string[],
    options?: CallOptions,
  ): Promise<void> {
    return deleteTaggedManifest(this.#ctx, repository, digest, tags, options);
  }

  /** Copies (promotes) a manifest to another tag, optionally in another repository of this registry. */
  copyManifest(input: CopyManifestInput): Promise<ManifestHead> {
    return copyManifest(this.#ctx, input);
  }

  headBlob(repository: string, digest: string, options?: CallOptions): Promise<number | undefined> {
    return headBlob(this.#ctx, repository, digest, options);
  }

  getBlob(repository: string, digest: string, options?: CallOptions): Promise<Buffer> {
    return getBlob(this.#ctx, repository, digest, options);
  }

  uploadBlob(repository: string, data: Uint8Array, options?: CallOptions): Promise<UploadedBlob> {
    return uploadBlob(this.#ctx, repository, data, options);
  }

  /**
   * Cross-repository mount (`POST /v2/<repository>/blobs/uploads/?mount=<digest>&from=<from>`): links the
   * blob from another repository of this registry without copying it. True when mounted (201); false when
   * not (202: the registry opened an upload session instead, which is cancelled).
   */
  mountBlob(repository: string, digest: string, from: string, options?: CallOptions): Promise<boolean> {
    return mountBlob(this.#ctx, repository, digest, from, options);
  }

  listTagPages(repository: string, options?: PageOptions): AsyncGenerator<string[]> {
    return listTagPages(this.#ctx, repository, options);
  }

  listTags(repository: string, options?: PageOptions): Promise<string[]> {
    return collect(listTagPages(this.#ctx, repository, options));
  }

  listCatalogPages(options?: PageOptions): AsyncGenerator<string[]> {
    return listCatalogPages(this.#ctx, options);
  }

  listCatalog(options?: PageOptions): Promise<string[]> {
    return collect(listCatalogPages(this.#ctx, options));
  }
}
