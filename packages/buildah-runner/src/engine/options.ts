import type { RepositoryProbe } from '../cache-source/probe.js';
import type { StorageDriver } from '../command-line/buildah-command.js';
import type { CacheImageCopier } from '../own-cache/mount-cache-image.js';

export type Isolation = 'chroot' | 'oci' | 'rootless';

export interface RetryOptions {
  /** Build (or push) attempts in all, the first included. Default 3. */
  attempts?: number;
  /** Delay before the second attempt; doubles each time, with ±50 % jitter (see @deployer/retry). Default 1000. */
  baseDelayMs?: number;
  /** Upper bound of one delay. Default 30000. */
  maxDelayMs?: number;
}

export interface BuildahEngineOptions {
  /** Default `buildah` (from PATH). */
  buildahPath?: string;
  /**
   * Directory for buildah's storage (`<dir>/storage`) and run state (`<dir>/run`), shared by this
   * engine's builds. Default: a fresh directory per build, removed afterwards, so every cache hit comes
   * from the registry and concurrent builds share nothing.
   */
  storageRoot?: string;
  /** Overrides `<storageRoot>/run`. */
  runRoot?: string;
  /**
   * Default: `overlay` when it works on this machine, else `vfs` (works everywhere, but copies whole
   * layers at every step), probed once per machine and remembered (see resolveBuildahStorage).
   */
  storageDriver?: StorageDriver;
  /** Default `chroot`: runs RUN steps without privileges or a container runtime. */
  isolation?: Isolation;
  /** Directory of a docker `config.json` with registry credentials (`--authfile`, never argv secrets). */
  dockerConfigDir?: string;
  /** Base registries.conf that insecure registries are added to. Default `/etc/containers/registries.conf`. */
  registriesConfPath?: string;
  /** Environment for buildah; default `process.env`. Env-sourced secrets are read from here. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Retry of transient registry failures. */
  retry?: RetryOptions;
  /** buildah's own pull/push retry delay (`--retry-delay`), default buildah's 2s. */
  registryRetryDelayMs?: number;
  /** Stages built in parallel (`--jobs`). Default buildah's 1. */
  jobs?: number;
  /** After SIGTERM on abort or timeout, how long before SIGKILL. Default 5000. */
  killGraceMs?: number;
  /** Default: `skopeo list-tags`. */
  repositoryExists?: RepositoryProbe;
  /** Default `skopeo`, for the default repository probe. */
  skopeoPath?: string;
  /**
   * Places the fallback cache images a build reused in the environment's own cache repository. Default:
   * registry-side cross-repository blob mounts and a manifest copy (`mountCacheImages`), no layer bytes moved.
   */
  copyCacheImages?: CacheImageCopier;
}
