#!/usr/bin/env node
'use strict';
// The `deployer` bin. pnpm links bins at install time, before a workspace checkout has built `dist/`;
// a bin that pointed into `dist/` would not be linked then (and `pnpm main-job` would find no `deployer`).
// This committed file always exists, and runs the built command through its launcher (src/launch/:
// V8's compiled code kept between runs). CommonJS: Node starts it without setting up its ES module loader.
const { join } = require('node:path');

let launcher;
try {
  launcher = require('../dist/launch.cjs');
} catch (error) {
  if (error?.code !== 'MODULE_NOT_FOUND' || !String(error.message).includes('launch.cjs')) throw error;
}
if (launcher === undefined) {
  process.stderr.write(
    'deployer: the command is not built yet (no dist/launch.cjs); run `pnpm build` first\n',
  );
  process.exitCode = 2;
} else {
  const { version } = require('../package.json');
  launcher.launch({ bundle: join(__dirname, '..', 'dist', 'deployer.cjs'), version });
}
