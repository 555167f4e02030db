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

/**
 * Which @deployer packages each package's src may import, read from the root README's package table (its
 * last column, "may import"): the map the README shows is the rule this check enforces, so the two never
 * disagree. `—` is none, `all of the above` any; a note after a name (`contracts (types)`) keeps the name.
 */
function readLayers() {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const table = readme.split(/^## Packages$/m)[1]?.split(/^## /m)[0] ?? '';
  const layers = {};
  for (const line of table.split('\n')) {
    const row = /^\| \[`@deployer\/([a-z-]+)`\]\([^)]*\) \|(.*)\|$/.exec(line);
    if (row === null) continue;
    const mayImport = row[2].split('|').at(-1).trim();
    layers[row[1]] =
      mayImport === 'all of the above'
        ? '*'
        : mayImport === '—'
          ? []
          : mayImport.split(',').map((entry) => entry.trim().replace(/\s*\(.*\)$/, ''));
  }
  return layers;
}
const layers = readLayers();

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
      `${relative(root, dir)}: package ${manifest.name} has no row in the README's package table (its "may import" column is its layer)`,
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
