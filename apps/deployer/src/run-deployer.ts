import { exitWhenDone } from './cli/exit.js';
import { main } from './cli/main.js';
import { commands } from './commands/index.js';

/**
 * The deployer command line: this process's arguments, streams, environment and signals in, the exit
 * code out (the process ends when the command is done). The entry point of the command's bundle
 * (`dist/deployer.cjs`), which the launcher (`src/launch/`) runs for `bin/deployer.cjs`.
 */
export async function runDeployer(version: string): Promise<never> {
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
  return exitWhenDone(exitCode, process, process.env);
}
