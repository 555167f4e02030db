// The `build` of the deployer command: one ESM bundle, split per command (`dist/bin.js` and the chunks it
// imports under `dist/chunks/`), with its dependencies (workspace packages from their own `dist/`, zod,
// execa, yaml) inside. Node then reads a handful of files instead of some 400 modules each run, which was
// most of deployer's fixed cost. The lazy command loaders (src/commands/index.ts) and lazy imports inside
// the packages stay lazy: each dynamic import becomes a chunk loaded only when reached.
// `dist/bundle-meta.json` (esbuild's metafile, not published) says which sources each chunk holds; the
// module-loading test reads it.
import { rm, writeFile } from 'node:fs/promises';
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
await rm(dist, { recursive: true, force: true });
const { metafile } = await build({
  absWorkingDir: root,
  entryPoints: { bin: 'src/bin.ts' },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // CommonJS dependencies (cross-spawn under execa) `require` Node's built-ins: an ES module has no
  // `require`, so each output file gets one.
  banner: {
    js: "import { createRequire as __deployerRequire } from 'node:module';\nconst require = __deployerRequire(import.meta.url);",
  },
  plugins: [yamlAsEsm],
  // `deployer serve` loads the server as its own package, from its dist: PGlite finds its WebAssembly
  // beside its module, pino its worker files, pg and Fastify require optional modules at run time; none
  // of that survives bundling, and the server's start cost does not matter the way a build's does.
  external: ['@deployer/server'],
  // Less for Node to compile on every run (its cost grows with the bytes); names stay, so stack traces
  // still say which function, and `node --enable-source-maps` maps them back to the sources.
  minifyWhitespace: true,
  minifySyntax: true,
  sourcemap: 'linked',
  metafile: true,
  write: true,
  logLevel: 'warning',
});
await writeFile(join(dist, 'bundle-meta.json'), `${JSON.stringify(metafile, null, 1)}\n`);
