#!/usr/bin/env node
import { createRequire } from 'node:module';
import { exitWhenDone } from './cli/exit.js';
import { main } from './cli/main.js';
import { commands } from './commands/index.js';

const { version } = createRequire(import.meta.url)('../package.json') as { version: string };
const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => controller.abort(new Error(`received ${signal}`)));
}

const exitCode = await main(
  process.argv.slice(2),
  commands,
  {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    signal: controller.signal,
  },
  version,
);
await exitWhenDone(exitCode, process, process.env);
