import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { RegistryClient } from '@deployer/registry';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';
import { missingBuildTools, type Stack, startStack } from './support/stack.js';

// A config module's lifecycle hooks around real builds (buildah, a real registry) through the built
// `deployer`: the example's Helm values file names exactly what the registry serves, a throwing
// beforeBuild stops the build before anything is pushed, and `down` hands its result to afterTeardown.
// A loop of wrapping engines is refused when the build creates its engine, before any hook runs.
const helmValues = fileURLToPath(
  new URL('../../../examples/helm-values-plugin/src/helm-values.ts', import.meta.url),
);
const missing = missingBuildTools();
if (missing.length > 0) console.log(`skipping the config hooks suite: not installed: ${missing.join(', ')}`);

// The example's plugin, plus hooks driven by environment variables: one that throws before a build, and
// one that records each teardown's result as a JSON line.
const configModule = [
  `import { helmValuesPlugin } from ${JSON.stringify(helmValues)};`,
  "import { appendFile } from 'node:fs/promises';",
  'export default {',
  '  hooks: {',
  '    beforeBuild({ buildUuid }) {',
  "      if (process.env.HOOK_REFUSE === '1') throw new Error('change freeze: no build of ' + buildUuid);",
  '    },',
  '    async afterTeardown(context) {',
  "      await appendFile(process.env.HOOK_LOG, JSON.stringify(context) + '\\n');",
  '    },',
  '  },',
  '  plugins: [helmValuesPlugin({ file: process.env.HELM_VALUES_FILE })],',
  '};',
  '',
].join('\n');

interface Report {
  ok: boolean;
  services: Array<{ service: string; status: string; image: string; digest?: string }>;
}

describe.skipIf(missing.length > 0)('config module hooks with buildah and a real registry', () => {
  let stack: Stack;
  let client: RegistryClient;
  let dir: string;
  let spec: string;
  let module: string;

  const deployer = async (args: string[], env: Record<string, string> = {}) =>
    runCli([...args, '-f', spec, '--config-module', module], {
      env: {
        ...(await stack.env()),
        HELM_VALUES_FILE: join(dir, 'values.yaml'),
        HOOK_LOG: join(dir, 'teardowns.jsonl'),
        ...env,
      },
    });

  /** `host/hooks/api:tag` → the repository inside the registry and the tag. */
  const refOf = (image: string) => {
    const path = image.slice(image.indexOf('/') + 1);
    const colon = path.lastIndexOf(':');
    return { repository: path.slice(0, colon), tag: path.slice(colon + 1) };
  };

  beforeAll(async () => {
    stack = await startStack();
    client = new RegistryClient({ host: stack.registry.host, insecure: true, credentials: 'anonymous' });
    dir = await mkdtemp(join(tmpdir(), 'deployer-config-hooks-'));
    for (const service of ['api', 'worker']) {
      await mkdir(join(dir, service));
      await writeFile(
        join(dir, service, 'Dockerfile'),
        `ARG BUSYBOX_IMAGE\nFROM $BUSYBOX_IMAGE\nRUN echo ${service} > /service\n`,
      );
    }
    spec = join(dir, 'env.yaml');
    await writeFile(
      spec,
      [
        'registry: { host: 127.0.0.1:5000, repository: hooks, insecure: true }',
        'services:',
        ...['api', 'worker'].flatMap((service) => [
          `  ${service}:`,
          `    context: ${service}`,
          // biome-ignore lint/suspicious/noTemplateCurlyInString: the spec's own interpolation
          '    args: { BUSYBOX_IMAGE: "${registry.host}/base/busybox:latest" }',
        ]),
        '',
      ].join('\n'),
    );
    // A .ts module: loaded through jiti, which also loads the example's TypeScript source it imports.
    module = join(dir, 'deployer.config.ts');
    await writeFile(module, configModule);
  }, 120_000);

  afterAll(async () => {
    await stack?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('stops the build when beforeBuild throws, naming the hook and module, before anything is pushed', async () => {
    const before = await client.listCatalog();
    const result = await deployer(['build', '--uuid', 'frozen-river-111111', '--json'], {
      HOOK_REFUSE: '1',
    });
    expect(result.exitCode).not.toBe(0);
    expect(result.stderr).toContain(`beforeBuild hook 1 of config module ${module} failed`);
    expect(result.stderr).toContain('change freeze: no build of frozen-river-111111');
    expect((await client.listCatalog()).filter((name) => name.startsWith('hooks/'))).toEqual(
      before.filter((name) => name.startsWith('hooks/')),
    );
  }, 120_000);

  it("writes the Helm values file with every service's image@digest, as the registry serves it", async () => {
    const result = await deployer(['build', '--uuid', 'helm-values-222222', '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout) as Report;
    expect(report.services.map((service) => service.status)).toEqual(['built', 'built']);

    const values = await readFile(join(dir, 'values.yaml'), 'utf8');
    expect(values).toContain('buildUuid: "helm-values-222222"');
    for (const service of report.services) {
      const { repository, tag } = refOf(service.image);
      const digest = await client.resolveTag(repository, tag);
      expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      const pinned = `${stack.registry.host}/${repository}@${digest}`;
      expect(values).toContain(`  "${service.service}":\n    image: "${pinned}"\n`);
      expect(values).toContain(`    digest: "${digest}"\n`);
    }
  }, 240_000);

  it('refuses engines that wrap each other in a loop (exit 2), naming the chain, without hanging', async () => {
    const loop = join(dir, 'loop.config.mjs');
    await writeFile(
      loop,
      [
        "const wrap = (name, other) => ({ name, cacheFlavour: 'buildah', create: (context) => context.engine(other) });",
        "export default { engines: [wrap('a', 'b'), wrap('b', 'c'), wrap('c', 'a')] };",
        '',
      ].join('\n'),
    );
    const result = await runCli(
      ['build', '-f', spec, '--uuid', 'loop-river-333333', '--config-module', loop, '--engine', 'b'],
      { env: await stack.env() },
    );
    expect(result.stderr).toContain('engines wrap each other in a loop: b → c → a → b');
    expect(result.exitCode).toBe(2);
  }, 60_000);

  it('hands afterTeardown the teardown result of `deployer down`', async () => {
    const result = await deployer(['down', '--uuid', 'helm-values-222222', '--json']);
    expect(result.stderr).toBe('');
    expect(result.exitCode).toBe(0);
    const lines = (await readFile(join(dir, 'teardowns.jsonl'), 'utf8')).trim().split('\n');
    expect(lines).toHaveLength(1);
    const context = JSON.parse(lines[0] as string) as {
      buildUuid: string;
      result: { buildUuid: string; dryRun: boolean; actions: { ref: string; deleted: boolean }[] };
    };
    expect(context.buildUuid).toBe('helm-values-222222');
    expect(context.result).toMatchObject({ buildUuid: 'helm-values-222222', dryRun: false });
    // What down reported is what the hook got: each service's image among the deleted refs.
    const refs = context.result.actions.filter((action) => action.deleted).map((action) => action.ref);
    for (const service of ['api', 'worker']) {
      expect(refs.some((ref) => ref.includes(`/hooks/${service}`))).toBe(true);
    }
    const printed = JSON.parse(result.stdout) as { actions: { ref: string; deleted: boolean }[] };
    const narrowed = ({ ref, deleted }: { ref: string; deleted: boolean }) => ({ ref, deleted });
    expect(context.result.actions.map(narrowed)).toEqual(printed.actions.map(narrowed));
  }, 120_000);
});
