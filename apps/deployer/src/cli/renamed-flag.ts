import type { CommandContext } from './command.js';

/**
 * The value of a flag that was renamed, given under its new name or its old one (a deprecated alias: the
 * old name prints one line on stderr); the new name wins when both are given. `flag` is the name the value
 * came under, for the messages that refuse it.
 */
export function renamedFlag(
  command: string,
  context: Pick<CommandContext, 'stderr'>,
  current: { name: string; value: string | undefined },
  old: { name: string; value: string | undefined },
): { flag: string; value: string | undefined } {
  if (old.value !== undefined) {
    context.stderr.write(
      `deployer ${command}: --${old.name} is deprecated, use --${current.name}${current.value === undefined ? '' : ` (given too: --${old.name} is ignored)`}\n`,
    );
  }
  return current.value !== undefined || old.value === undefined
    ? { flag: current.name, value: current.value }
    : { flag: old.name, value: old.value };
}
