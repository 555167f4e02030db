// The `build` of the deployer command: two CommonJS files under `dist/`.
// - `deployer.cjs`, the command: src/run-deployer.ts with its dependencies (workspace packages from their
//   own `dist/`, zod, execa, yaml) inside, so Node reads one file instead of some 400 modules each run,
//   which was most of deployer's fixed cost. Every module stays behind esbuild's lazy initialiser (a
//   function named after its source path): a command evaluates only the modules it reaches (the lazy
//   command loaders of src/commands/index.ts, and lazy imports inside the packages), and V8 compiles only
//   the functions that run. CommonJS, because V8 can reuse compiled code for a script (src/launch/), and
//   Node 20 offers that for no ES module.
// - `launch.cjs`, which runs it with that compiled code kept between runs (src/launch/launch.ts); the
//   committed `bin/deployer.cjs` calls it.
// `dist/bundle-meta.json` (esbuild's metafile of the command, not published) lists the sources inside.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

/**
 * yaml's ES module build (the one its `default` export condition names) instead of its CommonJS one
 * (`node`): the same parser, but tree-shaken to what deploy uses (parseDocument), less for Node to compile.
 */
const yamlAsEsm = {
  name: 'yaml-as-esm',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, async ({ kind, resolveDir }) => {
      const manifest = await build.resolve('yaml/package.json', { kind, resolveDir });
      if (manifest.errors.length > 0) return { errors: manifest.errors };
      return { path: join(dirname(manifest.path), 'browser', 'index.js') };
    });
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const common = {
  absWorkingDir: root,
  outdir: dist,
  outExtension: { '.js': '.cjs' },
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  // Less for Node to compile on every run (its cost grows with the bytes); names stay, so stack traces
  // still say which function, and `node --enable-source-maps` maps them back to the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  // Non-ASCII characters escaped: the launcher reads the bundle as latin1, faster than decoding UTF-8.
  charset: 'ascii',
  sourcemap: 'linked',
  logLevel: 'warning',
};
await rm(dist, { recursive: true, force: true });
const { metafile } = await build({
  ...common,
  entryPoints: { deployer: 'src/run-deployer.ts' },
  plugins: [yamlAsEsm],
  // `deployer serve` imports the server as its own package, from its dist: PGlite finds its WebAssembly
  // beside its module, pino its worker files, pg and Fastify require optional modules at run time; none
  // of that survives bundling, and the server's start cost does not matter the way a build's does.
  external: ['@deployer/server'],
  metafile: true,
});
await build({ ...common, entryPoints: { launch: 'src/launch/launch.ts' } });
// The launcher runs the bundle as a script, where `import()` needs an experimental Node API: only the
// server's package may be imported so (`deployer serve` runs through Node's own loader instead).
const bundled = await readFile(join(dist, 'deployer.cjs'), 'utf8');
if (/[^\x00-\x7f]/.test(bundled))
  throw new Error('dist/deployer.cjs is not ASCII: the launcher reads it as latin1');
const imports = [...bundled.matchAll(/\bimport\(([^)]*)\)/g)]
  .map((match) => match[1])
  .filter((specifier) => specifier !== '"@deployer/server"');
if (imports.length > 0) {
  throw new Error(`dist/deployer.cjs imports ${imports.join(', ')} with import(): use require-able code`);
}
await writeFile(join(dist, 'bundle-meta.json'), `${JSON.stringify(metafile, null, 1)}\n`);
