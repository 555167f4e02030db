import { existsSync } from 'node:fs';
import { copyFile, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

/*
 * Helpers for the end-to-end suite: a real buildctl, a real daemon, a real (plain-HTTP) registry.
 * Everything goes to BUILDKIT_HOST and DEPLOYER_TEST_REGISTRY; nothing is pulled from the internet.
 */

export interface E2eEnvironment {
  address: string;
  registry: string;
  buildctl: string;
  /** Global buildctl flags: the address, and TLS material for tcp:// when given. */
  globalArgs: string[];
  tlsDir: string | undefined;
}

export function e2eEnvironment(): E2eEnvironment | string {
  const address = process.env.BUILDKIT_HOST;
  const registry = process.env.DEPLOYER_TEST_REGISTRY;
  if (!address || !registry) {
    return 'set BUILDKIT_HOST (a dedicated test daemon: the suite prunes its cache) and DEPLOYER_TEST_REGISTRY (host:port of a plain-HTTP registry with deletes enabled) to run it';
  }
  const tlsDir = process.env.DEPLOYER_TEST_BUILDKIT_TLS_DIR;
  const globalArgs = ['--addr', address, ...(tlsDir ? ['--tlsdir', tlsDir] : [])];
  return {
    address,
    registry,
    buildctl: process.env.DEPLOYER_TEST_BUILDCTL ?? 'buildctl',
    globalArgs,
    tlsDir,
  };
}

const busyboxPaths = ['/usr/bin/busybox', '/bin/busybox'];

/**
 * Seeds a base image made of the host's static busybox (Debian's busybox-static) into the registry:
 * `FROM scratch`, the binary, and its applet links, built and pushed by buildctl itself.
 */
export async function seedBaseImage(env: E2eEnvironment, ref: string): Promise<void> {
  const busybox = busyboxPaths.find((path) => existsSync(path));
  if (busybox === undefined)
    throw new Error('no static busybox on this host: apt-get install busybox-static');
  const context = await mkdtemp(join(tmpdir(), 'deployer-e2e-base-'));
  await copyFile(busybox, join(context, 'busybox'));
  await writeFile(
    join(context, 'Dockerfile'),
    ['FROM scratch', 'COPY busybox /bin/busybox', 'RUN ["/bin/busybox", "--install", "-s", "/bin"]', ''].join(
      '\n',
    ),
  );
  await execa(env.buildctl, [
    ...env.globalArgs,
    'build',
    '--frontend',
    'dockerfile.v0',
    '--local',
    `context=${context}`,
    '--local',
    `dockerfile=${context}`,
    '--output',
    `type=image,name=${ref},push=true,registry.insecure=true`,
  ]);
}

/** The service the suite builds: two stages, four steps after FROM, like the recordings' `ok` context. */
export async function serviceContext(baseRef: string): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), 'deployer-e2e-web-'));
  await writeFile(join(context, 'index.txt'), 'hello\n');
  await writeFile(
    join(context, 'Dockerfile'),
    [
      `FROM ${baseRef} AS deps`,
      'RUN echo "installing deps" && mkdir -p /deps && echo lib > /deps/lib.txt',
      `FROM ${baseRef}`,
      'COPY --from=deps /deps /deps',
      'COPY . /app',
      'RUN ls /app > /app/manifest.txt',
      'CMD ["cat", "/app/manifest.txt"]',
      '',
    ].join('\n'),
  );
  return context;
}

/**
 * A two-step service whose steps no daemon has run before: its one file holds `nonce`, so a cache hit
 * can only come from a cache this run exported.
 */
export async function nonceContext(baseRef: string, nonce: string): Promise<string> {
  const context = await mkdtemp(join(tmpdir(), 'deployer-e2e-nonce-'));
  await writeFile(join(context, 'nonce.txt'), `${nonce}\n`);
  await writeFile(
    join(context, 'Dockerfile'),
    [`FROM ${baseRef}`, 'COPY nonce.txt /nonce.txt', 'RUN cat /nonce.txt > /copied.txt', ''].join('\n'),
  );
  return context;
}

/** Empties the daemon's local cache, so that cache hits can only come from registry imports. */
export async function pruneDaemon(env: E2eEnvironment): Promise<void> {
  await execa(env.buildctl, [...env.globalArgs, 'prune', '--all']);
}

const manifestTypes = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
].join(', ');

interface Descriptor {
  mediaType: string;
  digest: string;
}
interface Manifest {
  mediaType?: string;
  manifests?: Descriptor[];
  layers?: Descriptor[];
}

/** A small client for the registry's HTTP API (plain HTTP, no auth: a test registry). */
export class TestRegistry {
  constructor(private readonly host: string) {}

  async manifest(repository: string, reference: string): Promise<Manifest> {
    const response = await fetch(`http://${this.host}/v2/${repository}/manifests/${reference}`, {
      headers: { accept: manifestTypes },
    });
    if (!response.ok) throw new Error(`GET ${repository}:${reference}: HTTP ${response.status}`);
    return (await response.json()) as Manifest;
  }

  async exists(repository: string, reference: string): Promise<boolean> {
    const response = await fetch(`http://${this.host}/v2/${repository}/manifests/${reference}`, {
      method: 'HEAD',
      headers: { accept: manifestTypes },
    });
    return response.ok;
  }

  /** The layer digests of a single-platform image (the first manifest of an index). */
  async imageLayers(repository: string, reference: string): Promise<string[]> {
    let manifest = await this.manifest(repository, reference);
    const first = manifest.manifests?.[0];
    if (first !== undefined) manifest = await this.manifest(repository, first.digest);
    return (manifest.layers ?? []).map((layer) => layer.digest);
  }

  /** Unlinks a blob from one repository (`DELETE /v2/<name>/blobs/<digest>`), as a damaged cache would be. */
  async deleteBlob(repository: string, digest: string): Promise<void> {
    const response = await fetch(`http://${this.host}/v2/${repository}/blobs/${digest}`, {
      method: 'DELETE',
    });
    if (response.status !== 202) {
      throw new Error(
        `DELETE blob ${digest} from ${repository}: HTTP ${response.status} (the registry needs storage.delete.enabled)`,
      );
    }
  }
}
