import type { Writable } from 'node:stream';
import type { FlagSpecs } from './args.js';

/** What a command may touch: streams, environment, working directory. Injected so tests see real output. */
export interface CommandContext {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable;
  env: NodeJS.ProcessEnv;
  cwd: string;
  signal: AbortSignal;
}

export interface Command {
  /** Words that select it, e.g. `['cache', 'plan']`. */
  path: readonly string[];
  summary: string;
  usage: string;
  flags: FlagSpecs;
  run(argv: readonly string[], context: CommandContext): Promise<number>;
}
