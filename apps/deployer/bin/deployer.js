#!/usr/bin/env node
// The `deployer` bin. pnpm links bins at install time, before a workspace checkout has built `dist/`;
// a bin that pointed into `dist/` would not be linked then (and `pnpm main-job` would find no `deployer`).
// This committed file always exists, and loads the built command when it runs.
// Node ≥ 22.1 keeps the compiled code of deployer's modules on disk (its own temp directory; off with
// NODE_DISABLE_COMPILE_CACHE=1), so later runs skip most of the module loading they would otherwise
// repeat. Node 20 has no compile cache and skips this.
const { enableCompileCache } = await import('node:module');
enableCompileCache?.();
try {
  await import('../dist/bin.js');
} catch (error) {
  if (error?.code !== 'ERR_MODULE_NOT_FOUND' || !String(error.message).includes('dist/bin.js')) throw error;
  process.stderr.write('deployer: the command is not built yet (no dist/bin.js); run `pnpm build` first\n');
  process.exitCode = 2;
}
