import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import { dirname } from 'node:path';
import { Script } from 'node:vm';
import { CompileCache, commandKey } from './compile-cache.js';
import { compileCacheDirectory, isPrivateDirectory } from './compile-cache-location.js';

/** What the command's bundle exports (src/run-deployer.ts). */
interface DeployerBundle {
  runDeployer(version: string): Promise<never>;
}

export interface LaunchInput {
  /** The command's bundle, `dist/deployer.cjs`. */
  bundle: string;
  version: string;
}

/**
 * Runs the deployer command from its bundle, with V8's compiled code kept between runs (CompileCache).
 *
 * Why our own cache: compiling the bundle's code was the largest part of deployer's fixed cost once the
 * modules were bundled, and Node 20 has no compile cache. Node ≥ 22.1's (`module.enableCompileCache`)
 * keeps the code V8 compiled while loading; this one saves after the command ran, so it also holds the
 * functions compiled while running (parsing the spec, planning, talking to the registry), measured
 * ~25 ms faster than Node's on Node 24. The cache is written only by a run that succeeded (exit 0),
 * and only when none was read or V8 rejected it. `DEPLOYER_DEBUG_COMPILE_CACHE=1` says on stderr which
 * file a run used, and whether V8 took its code (`used`), refused it (`rejected`) or there was none.
 *
 * The bundle is loaded by Node's own module loader, uncached, with source maps on (`node
 * --enable-source-maps`: stack traces then map back to the sources), and for `deployer serve`, which
 * imports the server's ES module package: code run as a script can only `import()` through an
 * experimental Node API (scripts/bundle.mjs checks that the bundle imports nothing else). A server's
 * start cost does not matter the way a build's does.
 */
export function launch(input: LaunchInput): void {
  const argv = process.argv.slice(2);
  const cache = process.sourceMapsEnabled || argv[0] === 'serve' ? null : openCache(input.bundle, argv);
  const bundle =
    cache === null
      ? (createRequire(input.bundle)(input.bundle) as DeployerBundle)
      : evaluate(input.bundle, cache);
  void bundle.runDeployer(input.version);
}

function openCache(bundle: string, argv: readonly string[]): { cache: CompileCache; source: string } | null {
  const directory = compileCacheDirectory(process.env, homedir());
  if (directory === null || !isPrivateDirectory(directory, process.getuid?.())) return null;
  // The bundle is ASCII (scripts/bundle.mjs makes and checks it so): latin1 reads it as UTF-8 would, faster.
  const source = readFileSync(bundle, 'latin1');
  const cache = new CompileCache(directory, {
    source,
    command: commandKey(argv),
    nodeVersion: process.version,
    arch: process.arch,
  });
  return { cache, source };
}

/** Evaluates the bundle as Node would a CommonJS module, with the cached code when there is some. */
function evaluate(file: string, { cache, source }: { cache: CompileCache; source: string }): DeployerBundle {
  const cachedData = cache.read();
  // Node's CommonJS wrapper, on the first line: line numbers in stack traces stay the bundle's own.
  const script = new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: file,
    ...(cachedData !== undefined && { cachedData }),
  });
  const stale = cachedData === undefined || script.cachedDataRejected === true;
  if (process.env.DEPLOYER_DEBUG_COMPILE_CACHE === '1') {
    const state = cachedData === undefined ? 'none' : stale ? 'rejected' : 'used';
    process.stderr.write(`deployer: compile cache ${state}: ${cache.file}\n`);
  }
  if (stale) {
    process.once('exit', (code) => {
      if (code === 0) cache.save(script.createCachedData());
    });
  }
  const module = { exports: {} as DeployerBundle };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  return module.exports;
}
