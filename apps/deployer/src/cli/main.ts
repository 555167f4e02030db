import { formatFlags } from './args.js';
import type { Command, CommandContext } from './command.js';
import { exitCodes, UsageError } from './errors.js';

/** Picks the command from argv, runs it, and turns every failure into a message and an exit code. */
export async function main(
  argv: readonly string[],
  commands: readonly Command[],
  context: CommandContext,
  version: string,
): Promise<number> {
  const command = [...commands]
    .sort((a, b) => b.path.length - a.path.length)
    .find((candidate) => candidate.path.every((word, index) => argv[index] === word));
  const rest = command ? argv.slice(command.path.length) : argv;
  if (rest.includes('--help') || rest.includes('-h')) {
    context.stdout.write(command ? commandHelp(command) : overview(commands, argv));
    return exitCodes.ok;
  }
  if (!command) {
    if (argv[0] === '--version') {
      context.stdout.write(`${version}\n`);
      return exitCodes.ok;
    }
    if (argv.length === 0) {
      context.stdout.write(overview(commands, argv));
      return exitCodes.ok;
    }
    context.stderr.write(
      `deployer: unknown command ${JSON.stringify(argv.join(' '))}\n\n${overview(commands, argv)}`,
    );
    return exitCodes.badInput;
  }
  try {
    const run = await command.load();
    return await run(rest, context);
  } catch (error) {
    // Loaded on failure only: it recognises the packages' error types, which a light command never loads.
    const { describeFailure } = await import('./failure.js');
    const failure = describeFailure(error);
    context.stderr.write(`deployer ${command.path.join(' ')}: ${failure.message}\n`);
    if (error instanceof UsageError) context.stderr.write(`usage: ${command.usage}\n`);
    return failure.exitCode;
  }
}

function commandHelp(command: Command): string {
  return `${command.summary}\n\nusage: ${command.usage}\n\nflags:\n${formatFlags(command.flags)}\n  --help  show this help\n`;
}

function overview(commands: readonly Command[], argv: readonly string[]): string {
  const group = commands.filter((command) => argv.length > 0 && command.path[0] === argv[0]);
  const shown = group.length > 0 ? group : commands;
  const width = Math.max(...shown.map((command) => command.path.join(' ').length)) + 2;
  return `deployer: builds every service of a preview environment with that environment's own build cache\n\ncommands:\n${shown
    .map((command) => `  deployer ${command.path.join(' ').padEnd(width)}${command.summary}`)
    .join('\n')}\n\nRun \`deployer <command> --help\` for its flags.\n`;
}
