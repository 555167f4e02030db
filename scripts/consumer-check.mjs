#!/usr/bin/env node
// The consumer check, run by `pnpm test` after turbo (so on every Node the tests run on): installs the public
// packages as npm users would get them and uses them as the READMEs say.
// 1. `pnpm pack`s every public package (package.json without "private": true under packages/ and apps/),
//    which rewrites `workspace:` ranges, and checks each tarball: every `main`/`types`/`bin`/`exports` target
//    is in it (never under src/), each code entry point has `types`, README.md is in it and src/ and tests
//    are not, `engines.node` is ">=20.19", no `workspace:` range is left, and every package its files import
//    is a dependency or peer dependency (not only a devDependency).
// 2. Installs all tarballs with one `npm install` (default npm cache) into a blank temporary project, with
//    `typescript` (the repository's range), `@types/node` (this Node's major) and the packages' optional peers.
// 3. Type-checks, as a consumer would (`module`/`moduleResolution` NodeNext, `strict`, library checks on), a
//    file importing every `exports` entry of every package, and each package README's example: the one block
//    fenced ```ts example``` in its README. Then compiles them with tsc and runs them with Node: the entry
//    file imports every entry at run time; an example must exit 0 (they assert and print what they did).
//    An example that needs an outside service says so in a line `// needs: VAR[, VAR]` naming environment
//    variables (DEPLOYER_TEST_REGISTRY, BUILDKIT_HOST: .ci/test-services); it is type-checked always and
//    run only when they are set.
// Prints per package what it checked; exits 1 naming each failing package and step (the temporary project
// is kept then, for a look); `--keep` keeps it always.
import { execFile } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const started = performance.now();
const engineRange = '>=20.19';
const exampleFence = /^```ts example\n([\s\S]*?)^```$/gm;

function run(file, args, options = {}) {
  return new Promise((resolvePromise) => {
    execFile(
      file,
      args,
      { maxBuffer: 64 * 1024 * 1024, timeout: 240_000, ...options },
      (error, stdout, stderr) => resolvePromise({ ok: error === null, error, stdout, stderr }),
    );
  });
}
const seconds = (since) => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const output = (result) => `${result.stdout}${result.stderr}`.trim() || String(result.error?.message);

const failures = [];
const fail = (pkg, step, detail) => failures.push({ pkg, step, detail });
const notes = new Map(); // package name → what was checked
const note = (pkg, text) => notes.set(pkg, [...(notes.get(pkg) ?? []), text]);

function stop(work) {
  console.error('');
  for (const { pkg, step, detail } of failures) {
    console.error(
      `consumer-check: ${pkg} failed at "${step}":\n  ${String(detail).split('\n').join('\n  ')}`,
    );
  }
  console.error(
    `consumer-check: ${failures.length} failure(s) in ${seconds(started)}; project kept in ${work}`,
  );
  process.exit(1);
}

// --- the public packages -------------------------------------------------------------------------------
const packages = ['packages', 'apps']
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) }))
  .filter(({ manifest }) => manifest.private !== true)
  .map((pkg) => ({ ...pkg, name: pkg.manifest.name, slug: pkg.manifest.name.replace(/^@[^/]+\//, '') }));

const work = mkdtempSync(join(tmpdir(), 'deployer-consumer-'));
const tarballs = join(work, 'tarballs');
const project = join(work, 'project');
mkdirSync(join(project, 'src', 'examples'), { recursive: true });
console.log(`consumer-check: ${packages.length} public packages on node ${process.version}, in ${work}`);

// --- 1. pack, and check each tarball ---------------------------------------------------------------------
let since = performance.now();
const filters = packages.flatMap(({ name }) => ['--filter', name]);
const packed = await run('pnpm', ['-r', ...filters, 'pack', '--json', '--pack-destination', tarballs], {
  cwd: root,
});
if (!packed.ok) {
  fail('pnpm pack', 'pack', output(packed));
  stop(work);
}
const packResults = JSON.parse(packed.stdout);
for (const pkg of packages) {
  const result = packResults.find((entry) => entry.name === pkg.name);
  if (result === undefined) fail(pkg.name, 'pack', 'pnpm pack made no tarball');
  else pkg.tarball = result.filename;
}
if (failures.length > 0) stop(work);

const bareSpecifier =
  /(?:^|[;}\n])\s*(?:import|export)\b[^'"`;]*?\bfrom\s*['"]([^'"]+)['"]|\b(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;
const packageSpecifier = /^(?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*(?:\/.*)?$/i;
const builtins = new Set(builtinModules);
function packageNameOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}
function targetsOf(value) {
  if (typeof value === 'string') return [value];
  if (value === null || typeof value !== 'object') return [];
  return Object.values(value).flatMap(targetsOf);
}

async function inspectTarball(pkg) {
  const unpacked = join(work, 'unpacked', pkg.slug);
  mkdirSync(unpacked, { recursive: true });
  const extracted = await run('tar', ['-xzf', pkg.tarball, '-C', unpacked]);
  if (!extracted.ok) return fail(pkg.name, 'unpack', output(extracted));
  const base = join(unpacked, 'package');
  const manifest = JSON.parse(readFileSync(join(base, 'package.json'), 'utf8'));
  pkg.packedManifest = manifest;
  const files = (function list(dir) {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? list(join(dir, entry.name)) : [relative(base, join(dir, entry.name))],
    );
  })(base);
  const problems = [];
  const dependencyFields = ['dependencies', 'peerDependencies', 'optionalDependencies'];
  for (const field of dependencyFields) {
    for (const [dependency, range] of Object.entries(manifest[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${field}.${dependency} is still "${range}"`);
    }
  }
  if (manifest.engines?.node !== engineRange) {
    problems.push(`engines.node is ${JSON.stringify(manifest.engines?.node)}, not "${engineRange}"`);
  }
  if (!files.includes('README.md')) problems.push('README.md is not in the tarball');
  const stray = files.filter((file) => /^(src|test)\//.test(file) || /\.test\.[cm]?[jt]s$/.test(file));
  if (stray.length > 0) problems.push(`sources or tests in the tarball: ${stray.slice(0, 5).join(', ')}`);
  const bins = typeof manifest.bin === 'string' ? [manifest.bin] : Object.values(manifest.bin ?? {});
  const targets = [manifest.main, manifest.types, ...bins, ...targetsOf(manifest.exports)].filter(Boolean);
  for (const target of targets) {
    const file = target.replace(/^\.\//, '');
    if (file.startsWith('src/')) problems.push(`${target} points into src/`);
    if (!files.includes(file)) problems.push(`${target} is not in the tarball`);
  }
  pkg.entries = [];
  for (const [subpath, value] of Object.entries(manifest.exports ?? {})) {
    const json = targetsOf(value).every((target) => target.endsWith('.json'));
    if (!json && (typeof value !== 'object' || Object.keys(value)[0] !== 'types')) {
      problems.push(`exports["${subpath}"] has no "types" condition first`);
    }
    pkg.entries.push({ specifier: join(manifest.name, subpath).replace(/\/$/, ''), json });
  }
  const declared = new Set([
    manifest.name,
    ...dependencyFields.flatMap((f) => Object.keys(manifest[f] ?? {})),
  ]);
  const undeclared = new Map();
  for (const file of files.filter((f) => /\.(c|m)?js$|\.d\.(c|m)?ts$/.test(f))) {
    for (const match of readFileSync(join(base, file), 'utf8').matchAll(bareSpecifier)) {
      const specifier = match[1] ?? match[2] ?? match[3];
      if (!packageSpecifier.test(specifier)) continue;
      const name = packageNameOf(specifier);
      const builtin = specifier.startsWith('node:') || builtins.has(name);
      if (!builtin && !declared.has(name) && !undeclared.has(name)) undeclared.set(name, file);
    }
  }
  for (const [name, file] of undeclared) problems.push(`${file} imports ${name}, not a dependency or peer`);
  if (problems.length > 0) return fail(pkg.name, 'tarball contents', problems.join('\n'));
  const kb = Math.round(readFileSync(pkg.tarball).length / 1024);
  note(pkg.name, `packed ${files.length} files (${kb} kB), contents and manifest ok`);
}
for (const pkg of packages) await inspectTarball(pkg);
console.log(`consumer-check: packed and inspected in ${seconds(since)}`);
if (failures.length > 0) stop(work);

// --- 2. a blank project with the tarballs ------------------------------------------------------------------
since = performance.now();
const rootManifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const optionalPeers = packages.flatMap(({ packedManifest }) =>
  Object.keys(packedManifest.peerDependenciesMeta ?? {}).map(
    (peer) => `${peer}@${packedManifest.peerDependencies[peer]}`,
  ),
);
writeFileSync(
  join(project, 'package.json'),
  `${JSON.stringify({ name: 'deployer-consumer-check', private: true, type: 'module' }, null, 2)}\n`,
);
const install = await run(
  'npm',
  [
    'install',
    '--no-audit',
    '--no-fund',
    '--prefer-offline',
    '--loglevel=error',
    ...packages.map(({ tarball }) => tarball),
    `typescript@${rootManifest.devDependencies.typescript}`,
    `@types/node@${process.versions.node.split('.')[0]}`,
    ...optionalPeers,
  ],
  { cwd: project },
);
if (!install.ok) {
  fail('npm install', 'install the tarballs', output(install));
  stop(work);
}
console.log(`consumer-check: npm installed the tarballs in ${seconds(since)}`);

// --- 3. type-check, compile and run ---------------------------------------------------------------------
const entryLines = [];
const entryLineOwner = [];
for (const pkg of packages) {
  for (const [index, { specifier, json }] of pkg.entries.entries()) {
    const id = `${pkg.slug.replace(/\W/g, '_')}_${index}`;
    entryLines.push(
      json
        ? `import ${id} from '${specifier}' with { type: 'json' };`
        : `import * as ${id} from '${specifier}';`,
    );
    entryLineOwner.push(pkg.name);
    pkg.entryIds = [...(pkg.entryIds ?? []), { id, specifier, json }];
  }
}
const entryReport = packages.flatMap(({ entryIds = [] }) =>
  entryIds.map(
    ({ id, specifier, json }) =>
      `console.log(${JSON.stringify(specifier)}, ${json ? `typeof ${id}` : `Object.keys(${id}).length`});`,
  ),
);
writeFileSync(join(project, 'src', 'entries.ts'), `${[...entryLines, ...entryReport].join('\n')}\n`);

for (const pkg of packages) {
  const readme = readFileSync(join(pkg.dir, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(exampleFence)].map((match) => match[1]);
  if (blocks.length !== 1) {
    fail(
      pkg.name,
      'README example',
      `README.md has ${blocks.length} blocks fenced \`\`\`ts example (one wanted)`,
    );
    continue;
  }
  pkg.example = blocks[0];
  pkg.needs = (/^\/\/ needs: (.+)$/m.exec(pkg.example)?.[1] ?? '').split(',').map((v) => v.trim());
  pkg.needs = pkg.needs.filter(Boolean);
  writeFileSync(join(project, 'src', 'examples', `${pkg.slug}.ts`), pkg.example);
}
writeFileSync(
  join(project, 'tsconfig.json'),
  `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        strict: true,
        skipLibCheck: false,
        resolveJsonModule: true,
        types: ['node'],
        rootDir: 'src',
        outDir: 'dist',
        noEmitOnError: true,
      },
      include: ['src'],
    },
    null,
    2,
  )}\n`,
);

since = performance.now();
const tsc = await run(
  process.execPath,
  [join(project, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'],
  {
    cwd: project,
  },
);
if (!tsc.ok) {
  const byPackage = new Map();
  let owner = 'typescript';
  for (const line of output(tsc).split('\n')) {
    if (/^\S+\(\d+,\d+\): error TS/.test(line)) {
      const example = /^src\/examples\/([^.]+)\.ts\(/.exec(line);
      const entry = /^src\/entries\.ts\((\d+),/.exec(line);
      const library = /^node_modules\/(@deployer\/[^/]+)\//.exec(line);
      owner = example
        ? `${packages.find(({ slug }) => slug === example[1])?.name} (README example)`
        : entry
          ? `${entryLineOwner[Number(entry[1]) - 1]} (entry points)`
          : library
            ? `${library[1]} (its declarations)`
            : 'typescript (other files)';
    }
    byPackage.set(owner, [...(byPackage.get(owner) ?? []), line]);
  }
  for (const [owner, lines] of byPackage) fail(owner, 'type-check (tsc, NodeNext, strict)', lines.join('\n'));
  stop(work);
}
console.log(`consumer-check: type-checked and compiled the entry points and examples in ${seconds(since)}`);
for (const pkg of packages) {
  note(pkg.name, `types of ${pkg.entries.map(({ specifier }) => specifier).join(', ')} ok`);
}

const entries = await run(process.execPath, ['dist/entries.js'], { cwd: project });
if (!entries.ok) {
  fail('entry points', 'import every entry point with node', output(entries));
  stop(work);
}
for (const line of entries.stdout.trim().split('\n')) {
  const [specifier, count] = line.split(' ');
  const pkg = packages.find(({ entries: list }) => list.some((entry) => entry.specifier === specifier));
  note(pkg.name, `imported ${specifier} (${/^\d+$/.test(count) ? `${count} exports` : count})`);
}

for (const pkg of packages.filter(({ example }) => example !== undefined)) {
  const missing = pkg.needs.filter((variable) => !process.env[variable]);
  if (missing.length > 0) {
    note(pkg.name, `README example type-checked; not run: ${missing.join(', ')} unset`);
    continue;
  }
  const exampleStarted = performance.now();
  const ran = await run(process.execPath, [join('dist', 'examples', `${pkg.slug}.js`)], {
    cwd: project,
    timeout: 120_000,
  });
  if (!ran.ok) {
    fail(pkg.name, 'run the README example', output(ran));
    continue;
  }
  const said = ran.stdout.trim().split('\n').at(-1) ?? '';
  note(pkg.name, `README example ran in ${seconds(exampleStarted)}: ${said.slice(0, 140)}`);
}

for (const pkg of packages) {
  console.log(`${pkg.name}`);
  for (const text of notes.get(pkg.name) ?? []) console.log(`  ${text}`);
}
if (failures.length > 0) stop(work);
if (!process.argv.includes('--keep')) rmSync(work, { recursive: true, force: true });
console.log(
  `consumer-check: ${packages.length} packages ok on node ${process.version} in ${seconds(started)}`,
);
