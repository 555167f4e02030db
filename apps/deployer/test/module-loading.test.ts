import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findFreePort } from '@deployer/local-registry';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { binPath, bundleMetaPath, bundlePath } from './run-cli.js';

// deployer's fixed cost is mostly loading code: each command evaluates only the modules it needs. Checked
// on a real run of the built CLI (through its bin, with its compile cache in a temp directory): V8's
// coverage says which of the bundle's module initialisers ran (see sourcesEvaluated).

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

interface Coverage {
  result: { url: string; functions: { functionName: string; ranges: { count: number }[] }[] }[];
}

/**
 * The sources a run evaluated. The bundle (scripts/bundle.mjs) keeps each module behind a lazy initialiser
 * named after its source path (esbuild's `__esm({"src/cli/args.ts"() {…}})`), run when the module is first
 * reached; the coverage V8 wrote (NODE_V8_COVERAGE) says which ran. A source with no initialiser is
 * evaluated by every run. Paths as in the bundle's metafile: from apps/deployer (`src/cli/main.ts`,
 * `../../packages/registry/dist/client.js`, `../../node_modules/.pnpm/zod@…/node_modules/zod/…`).
 */
async function sourcesEvaluated(coverageDir: string) {
  const bundle = await readFile(bundlePath, 'utf8');
  const lazy = new Set(
    [...bundle.matchAll(/(?:__esm|__commonJS)\(\{"([^"]+)"\(/g)].map((match) => match[1] ?? ''),
  );
  const meta = JSON.parse(await readFile(bundleMetaPath, 'utf8')) as {
    outputs: Record<string, { inputs: Record<string, unknown> }>;
  };
  const inputs = Object.keys(meta.outputs['dist/deployer.cjs']?.inputs ?? {});
  const initialisersRan: string[] = [];
  for (const file of await readdir(coverageDir)) {
    const coverage = JSON.parse(await readFile(join(coverageDir, file), 'utf8')) as Coverage;
    for (const script of coverage.result.filter(({ url }) => url.endsWith('/dist/deployer.cjs'))) {
      for (const { functionName, ranges } of script.functions) {
        if (lazy.has(functionName) && (ranges[0]?.count ?? 0) > 0) initialisersRan.push(functionName);
      }
    }
  }
  return {
    lazy,
    initialisersRan,
    modules: [...inputs.filter((input) => !lazy.has(input)), ...initialisersRan],
  };
}

/** Runs the built CLI and returns what it printed and the sources it evaluated (see sourcesEvaluated). */
async function modulesLoadedBy(args: readonly string[]) {
  const coverageDir = await mkdtemp(join(scratch, 'coverage-'));
  const result = await execa('node', [binPath, ...args], {
    reject: false,
    env: {
      NO_COLOR: '1',
      NODE_V8_COVERAGE: coverageDir,
      DEPLOYER_COMPILE_CACHE: join(scratch, 'compile-cache'),
      BUILDKIT_HOST: '',
    },
    timeout: 120_000,
  });
  return { ...result, ...(await sourcesEvaluated(coverageDir)) };
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
      const { exitCode, stdout, modules, lazy, initialisersRan } = await modulesLoadedBy(args);
      expect(exitCode).toBe(0);
      expect(stdout).toContain('deployer');
      // The coverage saw the CLI's own initialisers run, and the heavy packages sit behind initialisers
      // too: an empty list below means none was evaluated, not none recorded.
      expect(initialisersRan).toContain('src/cli/args.ts');
      expect(cliModule(modules, 'cli/main.js')).toHaveLength(1);
      for (const pkg of heavy)
        expect({ pkg, lazy: from([...lazy], pkg).length > 0 }).toEqual({ pkg, lazy: true });
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
