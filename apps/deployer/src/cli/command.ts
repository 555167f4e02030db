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

/** Runs a command on its argv (the words after its path); resolves to the exit code. */
export type CommandRun = (argv: readonly string[], context: CommandContext) => Promise<number>;

/** What `--help`, the overview and the flag parser need of a command: no module of its work. */
export interface CommandUsage {
  /** Words that select it, e.g. `['cache', 'plan']`. */
  path: readonly string[];
  summary: string;
  usage: string;
  flags: FlagSpecs;
}

export interface Command extends CommandUsage {
  /**
   * Imports the command's module and gives its run. Only the command that runs is loaded, so `--help`
   * and a light command never pay for the engines, the registry client or the progress view.
   */
  load(): Promise<CommandRun>;
}
