import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedBusyboxBaseImage } from '@deployer/buildah-runner';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { unmountUnder } from '@deployer/process';

/** What a real build needs here; the suite skips, saying which, when one is missing. */
export function missingBuildTools(): string[] {
  const tools: Array<[string, string]> = [
    ['/usr/bin/buildah', 'buildah'],
    ['/usr/bin/docker-registry', 'docker-registry'],
    ['/bin/busybox', 'busybox-static'],
  ];
  return tools.filter(([path]) => !existsSync(path)).map(([, name]) => name);
}

export interface Stack {
  registry: LocalRegistry;
  /** Environment for `deployer` runs against this stack, each with fresh buildah storage. */
  env(): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** A real registry on loopback with the busybox base image the examples build FROM. */
export async function startStack(): Promise<Stack> {
  const registry = await startLocalRegistry();
  const scratch = await mkdtemp(join(tmpdir(), 'deployer-e2e-'));
  await seedBusyboxBaseImage({ registry: registry.host, insecure: true });
  let storages = 0;
  return {
    registry,
    async env() {
      storages += 1;
      return {
        DEPLOYER_REGISTRY: registry.host,
        DEPLOYER_INSECURE_REGISTRIES: registry.host,
        DEPLOYER_ENGINE: 'buildah',
        DEPLOYER_BUILDAH_ROOT: join(scratch, `storage-${storages}`),
      };
    },
    async stop() {
      await registry.stop();
      // buildah on overlay storage may leave mounts behind in a killed or cancelled build's storage.
      await unmountUnder(scratch);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}
