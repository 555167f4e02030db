#!/usr/bin/env node
// Keeps the shape the README promises, as part of `pnpm test`:
// - every package imports only the @deployer packages its layer may import (a lower layer never imports a
//   higher one);
// - no import loop inside a package (relative imports of its src/);
// - no source file over 300 lines.
// Prints every violation with its file and the rule, and exits 1 if there is any.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const maxLines = 300;

/** Which @deployer packages each package's src may import: the README's architecture. */
const layers = {
  'cache-ref': [],
  contracts: ['cache-ref'],
  process: [],
  retry: [],
  registry: ['retry'],
  'registry-cache': ['registry', 'cache-ref', 'contracts', 'retry'],
  'local-registry': ['process', 'cache-ref'],
  'local-postgres': ['process', 'local-registry'],
  state: ['contracts'],
  'buildkit-runner': ['cache-ref', 'contracts', 'process', 'retry'],
  'buildah-runner': ['cache-ref', 'contracts', 'process', 'registry', 'retry'],
  'buildkit-pool': ['buildkit-runner', 'contracts', 'process'],
  engines: [
    'buildkit-pool',
    'buildkit-runner',
    'buildah-runner',
    'cache-ref',
    'contracts',
    'process',
    'registry-cache',
  ],
  deploy: ['cache-ref', 'contracts'],
  'git-checkout': ['process'],
  'status-page': ['contracts'],
  server: ['deploy', 'contracts', 'state', 'git-checkout', 'cache-ref', 'status-page'],
  cli: '*',
};

const packageDirs = ['packages', 'apps'].flatMap((group) =>
  readdirSync(join(root, group)).map((name) => join(root, group, name)),
);

function sourceFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|mts|js|mjs)$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

const importPattern =
  /(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)/g;
function importsOf(file) {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(importPattern)].map((match) => match[1] ?? match[2]);
}

const problems = [];
for (const dir of packageDirs) {
  const src = join(dir, 'src');
  let files;
  try {
    files = sourceFiles(src);
  } catch {
    continue;
  }
  const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const name = manifest.name.replace('@deployer/', '');
  const allowed = layers[name];
  if (allowed === undefined) {
    problems.push(
      `${relative(root, dir)}: package ${manifest.name} has no layer in scripts/check-structure.mjs`,
    );
  }
  const graph = new Map();
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n').length;
    if (lines > maxLines) {
      problems.push(`${relative(root, file)}: ${lines} lines; a source file stays within ${maxLines}`);
    }
    const local = [];
    for (const specifier of importsOf(file)) {
      if (specifier.startsWith('.')) {
        local.push(resolve(dirname(file), specifier).replace(/\.js$/, '.ts'));
      } else if (specifier.startsWith('@deployer/') && allowed !== '*' && allowed !== undefined) {
        const target = specifier.slice('@deployer/'.length).split('/')[0];
        if (!allowed.includes(target)) {
          problems.push(
            `${relative(root, file)}: imports @deployer/${target}; ${manifest.name} may import only ${allowed.map((p) => `@deployer/${p}`).join(', ') || 'no other @deployer package'}`,
          );
        }
      }
    }
    graph.set(file, local);
  }
  for (const cycle of findCycles(graph)) {
    problems.push(
      `${relative(root, dir)}: import loop ${cycle.map((file) => relative(src, file)).join(' → ')}`,
    );
  }
}

function findCycles(graph) {
  const cycles = [];
  const state = new Map();
  const stack = [];
  const visit = (file) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') cycles.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return cycles;
}

if (problems.length > 0) {
  process.stderr.write(
    `structure: ${problems.length} problem(s)\n${problems.map((p) => `  ${p}`).join('\n')}\n`,
  );
  process.exitCode = 1;
} else {
  process.stdout.write(
    `structure: ${packageDirs.length} packages keep their layers, no import loops, no file over ${maxLines} lines\n`,
  );
}
