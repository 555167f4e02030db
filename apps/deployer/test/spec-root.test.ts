import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type LocalRegistry, startLocalRegistry } from '@deployer/local-registry';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { processesMatching } from './support/processes.js';
import { missingBuildTools } from './support/stack.js';

// A spec from a pull request whose context is a symlink in the checkout pointing at the host: the build
// is refused before the engine starts, so the (real, empty) registry stays empty. The same spec with a
// root that covers the target builds and pushes: the refusal is what kept the registry empty.
const missing = missingBuildTools().filter((tool) => tool !== 'busybox-static');
if (missing.length > 0) console.log(`skipping the spec root suite: not installed: ${missing.join(', ')}`);

describe.skipIf(missing.length > 0)('a context that escapes the spec root', () => {
  let registry: LocalRegistry;
  let client: RegistryClient;
  let dir: string;
  let specFile: string;

  const env = () => ({
    DEPLOYER_REGISTRY: registry.host,
    DEPLOYER_INSECURE_REGISTRIES: registry.host,
    DEPLOYER_ENGINE: 'buildah',
    DEPLOYER_BUILDAH_ROOT: join(dir, 'storage'),
  });

  beforeAll(async () => {
    registry = await startLocalRegistry();
    client = new RegistryClient({ host: registry.host, insecure: true, credentials: 'anonymous' });
    dir = await mkdtemp(join(tmpdir(), 'deployer-spec-root-'));
    // `host/` stands for the rest of the machine; `repo/` is the checkout the spec came with.
    await mkdir(join(dir, 'host'));
    await writeFile(join(dir, 'host', 'hostname'), 'build-host-7\n');
    await writeFile(join(dir, 'host', 'Dockerfile'), 'FROM scratch\nCOPY hostname /hostname\n');
    await mkdir(join(dir, 'repo'));
    await symlink(join(dir, 'host'), join(dir, 'repo', 'web'));
    specFile = join(dir, 'repo', 'env.yaml');
    await writeFile(
      specFile,
      'registry: { host: placeholder:5000, repository: shop }\nservices:\n  web: { context: web }\n',
    );
  }, 60_000);

  afterAll(async () => {
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('is refused with exit 2 naming the key and the rule; nothing is built or pushed', async () => {
    const result = await runCli(['build', '-f', specFile, '--json'], { env: env() });
    expect(result.exitCode).toBe(2);
    // Named relative to the root: the message shows no absolute path of the machine.
    expect(result.stderr).toContain(
      "services.web.context: ./web (really ../host) must stay inside the spec's root",
    );
    expect(result.stdout).toBe('');
    expect(await client.listCatalog()).toEqual([]);
    expect(await processesMatching(join(dir, 'storage'))).toEqual([]);

    const plan = await runCli(['plan', '-f', specFile], { env: env() });
    expect(plan.exitCode).toBe(2);
    expect(plan.stderr).toMatch(/services\.web\.context: .* must stay inside/);
  });

  it('builds once --root (or DEPLOYER_ROOT) takes the target in', async () => {
    const plan = await runCli(['plan', '-f', specFile], { env: { ...env(), DEPLOYER_ROOT: dir } });
    expect(plan.stderr).toBe('');
    expect(plan.exitCode).toBe(0);

    const result = await runCli(['build', '-f', specFile, '--root', dir, '--json'], { env: env() });
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    expect(await client.listCatalog()).toContain('shop/web');
  }, 180_000);
});
