import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findFreePort } from '@deployer/local-registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, bundleMetaPath } from './run-cli.js';

// deployer's fixed cost is mostly module loading: each command loads only what it needs. Checked on the
// bundle files a real run of the built CLI loads, recorded by a module hook (support/module-recorder.mjs),
// and the sources the bundle's metafile says they hold.
const recorder = fileURLToPath(new URL('./support/module-recorder.mjs', import.meta.url));

let scratch: string;
let spec: string;
let closedRegistry: string;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), 'deployer-modules-test-'));
  await mkdir(join(scratch, 'app'));
  await writeFile(join(scratch, 'app', 'Dockerfile'), 'FROM scratch\nCOPY . /app\n');
  spec = join(scratch, 'env.yaml');
  await writeFile(
    spec,
    [
      'registry: { host: 127.0.0.1:5000, repository: modules, insecure: true }',
      'cache: { repository: modules/cache, strategy: path }',
      'services:',
      '  app: { context: app }',
      '',
    ].join('\n'),
  );
  // Nothing listens there: plan warns and goes on, as offline.
  closedRegistry = `127.0.0.1:${await findFreePort()}`;
});

afterAll(async () => {
  await rm(scratch, { recursive: true, force: true });
});

/**
 * The sources inside the bundle files a run loaded: the built CLI is an esbuild bundle (scripts/bundle.mjs),
 * whose metafile says which sources each output file holds, as paths from apps/deployer (`src/cli/main.ts`,
 * `../../packages/registry/dist/client.js`, `../../node_modules/.pnpm/zod@…/node_modules/zod/…`). A source
 * counts as loaded when the file holding it was: that file was read and compiled whole.
 */
async function sourcesIn(loadedUrls: readonly string[]): Promise<string[]> {
  const meta = JSON.parse(await readFile(bundleMetaPath, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  return loadedUrls.flatMap((url) => {
    const output = /\/apps\/deployer\/(dist\/.+)$/.exec(url)?.[1];
    const inputs = output === undefined ? undefined : meta.outputs[output]?.inputs;
    return inputs === undefined ? [url] : Object.keys(inputs);
  });
}

/** Runs the built CLI and returns what it printed and the sources it loaded (see sourcesIn). */
async function modulesLoadedBy(args: readonly string[]) {
  const log = join(scratch, `modules-${Math.random().toString(36).slice(2)}.log`);
  const result = await execa('node', ['--import', recorder, binPath, ...args], {
    reject: false,
    env: { NO_COLOR: '1', DEPLOYER_TEST_MODULE_LOG: log, BUILDKIT_HOST: '' },
    timeout: 120_000,
  });
  const loaded = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return { ...result, modules: await sourcesIn(loaded) };
}

/** The loaded sources from one package, `@deployer/x` (workspace or installed) or a dependency. */
const from = (modules: readonly string[], pkg: string): string[] => {
  const [scope, name] = pkg.startsWith('@deployer/') ? ['@deployer', pkg.slice(10)] : [null, pkg];
  return modules.filter((path) =>
    scope === null
      ? path.includes(`/node_modules/${name}/`)
      : path.includes(`/packages/${name}/dist/`) || path.includes(`/node_modules/@deployer/${name}/`),
  );
};

/** The CLI's own source `path` (as `cli/main.js`), when loaded. */
const cliModule = (modules: readonly string[], path: string) =>
  modules.filter((source) => source === `src/${path.replace(/\.js$/, '.ts')}`);

const heavy = [
  '@deployer/engines',
  '@deployer/buildkit-runner',
  '@deployer/buildah-runner',
  '@deployer/registry',
  '@deployer/registry-cache',
  '@deployer/process',
  '@deployer/deploy',
  '@deployer/local-registry',
  'zod',
  'execa',
  'yaml',
];

describe('module loading', () => {
  it.each([[['--help']], [['build', '--help']], [['plan', '--help']], [[]]])(
    'deployer %j loads no engine, registry, spec or progress module',
    async (args) => {
      const { exitCode, stdout, modules } = await modulesLoadedBy(args);
      expect(exitCode).toBe(0);
      expect(stdout).toContain('deployer');
      // The recorder saw the CLI itself, so an empty list below means none was loaded, not none recorded.
      expect(cliModule(modules, 'cli/main.js')).toHaveLength(1);
      for (const pkg of heavy) expect({ pkg, loaded: from(modules, pkg) }).toEqual({ pkg, loaded: [] });
      expect(cliModule(modules, 'output/progress.js')).toEqual([]);
      expect(cliModule(modules, 'commands/build.js')).toEqual([]);
    },
  );

  it('deployer plan loads the spec and the one engine it plans for, no progress view, no other engine', async () => {
    const buildkit = await modulesLoadedBy([
      'plan',
      '-f',
      spec,
      '--uuid',
      'pr-1',
      '--registry',
      closedRegistry,
      '--engine',
      'buildkit',
    ]);
    expect(buildkit.exitCode, buildkit.stderr).toBe(0);
    expect(buildkit.stdout).toContain('buildctl');
    expect(from(buildkit.modules, 'zod').length).toBeGreaterThan(0);
    expect(from(buildkit.modules, '@deployer/buildkit-runner').length).toBeGreaterThan(0);
    expect(from(buildkit.modules, '@deployer/buildah-runner')).toEqual([]);
    expect(from(buildkit.modules, '@deployer/local-registry')).toEqual([]);
    // No process starts (the registry is asked over HTTP, and the registry asked for no credential
    // helper), so neither does execa load.
    expect(from(buildkit.modules, 'execa')).toEqual([]);
    expect(cliModule(buildkit.modules, 'output/progress.js')).toEqual([]);
    expect(cliModule(buildkit.modules, 'commands/build.js')).toEqual([]);

    const buildah = await modulesLoadedBy([
      'plan',
      '-f',
      spec,
      '--uuid',
      'pr-1',
      '--registry',
      closedRegistry,
      '--engine',
      'buildah',
    ]);
    expect(buildah.exitCode, buildah.stderr).toBe(0);
    expect(buildah.stdout).toContain('buildah');
    expect(from(buildah.modules, '@deployer/buildah-runner').length).toBeGreaterThan(0);
    expect(from(buildah.modules, '@deployer/buildkit-runner')).toEqual([]);
  });

  it('deployer build loads execa only once a process starts: not when it stops at the registry', async () => {
    const { exitCode, stderr, modules } = await modulesLoadedBy([
      'build',
      '-f',
      spec,
      '--uuid',
      'pr-1',
      '--registry',
      closedRegistry,
      '--engine',
      'buildkit',
    ]);
    // Planning asks the registry whether the image exists; unreachable, the build stops there.
    expect(exitCode, stderr).toBe(1);
    expect(stderr).toContain(closedRegistry);
    expect(from(modules, 'zod').length).toBeGreaterThan(0);
    expect(cliModule(modules, 'commands/build.js')).toHaveLength(1);
    expect(from(modules, 'execa')).toEqual([]);
  });
});
