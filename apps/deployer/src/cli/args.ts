import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export interface FlagSpec {
  type: 'string' | 'boolean';
  multiple?: boolean;
  short?: string;
  /** Shown in --help, e.g. `<host[:port]>`. */
  value?: string;
  description: string;
  /** Allowed values for string flags. */
  choices?: readonly string[];
  /**
   * The flag's old name, kept working: the name of the flag that replaced it (`claim-seconds`). Left out
   * of --help and of the flags an unknown flag's message lists; the command warns when it is used
   * (renamed-flag.ts).
   */
  renamedTo?: string;
}

export type FlagSpecs = Record<string, FlagSpec>;

type FlagValue<S extends FlagSpec> = S['type'] extends 'boolean'
  ? boolean | undefined
  : S['multiple'] extends true
    ? string[] | undefined
    : string | undefined;

export type ParsedFlags<S extends FlagSpecs> = { [K in keyof S]: FlagValue<S[K]> };

/** Parses argv strictly against the command's flags; any mistake is a UsageError naming the flag. */
export function parseFlags<S extends FlagSpecs>(
  command: string,
  argv: readonly string[],
  specs: S,
): { flags: ParsedFlags<S> } {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: attachDashValues(argv, specs),
      options: Object.fromEntries(
        Object.entries(specs).map(([name, spec]) => [
          name,
          {
            type: spec.type,
            ...(spec.multiple && { multiple: true }),
            ...(spec.short && { short: spec.short }),
          },
        ]),
      ),
      strict: true,
      allowPositionals: true,
    });
  } catch (error) {
    throw new UsageError(describeParseError(error, specs), command);
  }
  for (const [name, spec] of Object.entries(specs)) {
    const raw = parsed.values[name];
    const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
    for (const value of values) {
      if (typeof value !== 'string') continue;
      if (value === '' || (value.startsWith('--') && spec.type === 'string')) {
        throw new UsageError(`--${name} needs a value${spec.value ? ` ${spec.value}` : ''}`, command);
      }
      if (spec.choices && !spec.choices.includes(value)) {
        throw new UsageError(
          `--${name} must be one of ${spec.choices.join(', ')} (got ${JSON.stringify(value)})`,
          command,
        );
      }
    }
  }
  // No command takes positional arguments: a stray word is most likely a flag's value gone astray.
  if (parsed.positionals.length > 0) {
    throw new UsageError(`unexpected argument ${JSON.stringify(parsed.positionals[0])}`, command);
  }
  return { flags: parsed.values as ParsedFlags<S> };
}

/**
 * `--concurrency -1`: parseArgs refuses a value starting with "-" as ambiguous, which would read as a
 * missing value. A word that is no flag of ours is the flag's value, attached (`--concurrency=-1`) so
 * the flag's own check can say what is wrong with it.
 */
function attachDashValues(argv: readonly string[], specs: FlagSpecs): string[] {
  const shorts = new Set([
    '-h',
    ...Object.values(specs).flatMap((spec) => (spec.short ? [`-${spec.short}`] : [])),
  ]);
  const stringFlag = (word: string): string | undefined => {
    const name = word.startsWith('--')
      ? word.slice(2)
      : Object.entries(specs).find(([, spec]) => spec.short !== undefined && word === `-${spec.short}`)?.[0];
    return name !== undefined && specs[name]?.type === 'string' ? name : undefined;
  };
  const out: string[] = [];
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]!;
    const next = argv[index + 1];
    const name = stringFlag(word);
    if (name !== undefined && next !== undefined && /^-[^-]/.test(next) && !shorts.has(next)) {
      out.push(`--${name}=${next}`);
      index++;
    } else {
      out.push(word);
    }
  }
  return out;
}

function describeParseError(error: unknown, specs: FlagSpecs): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as { code?: string }).code;
  const flag = message.match(/'(-{1,2}[^' ]+)/)?.[1];
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' && flag) {
    return `unknown flag ${flag}; flags here: ${Object.entries(specs)
      .filter(([, spec]) => spec.renamedTo === undefined)
      .map(([name]) => `--${name}`)
      .join(', ')}`;
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && flag) {
    const name = flag.replace(/^-+/, '').split(' ')[0] ?? flag;
    return specs[name]?.type === 'boolean' ? `${flag} takes no value` : `${flag} needs a value`;
  }
  return message;
}

/** `--help` text for a command's flags. */
export function formatFlags(specs: FlagSpecs): string {
  const shown = Object.entries(specs).filter(([, spec]) => spec.renamedTo === undefined);
  const rows = shown.map(([name, spec]) => [
    `  --${name}${spec.value ? ` ${spec.value}` : ''}${spec.multiple ? '…' : ''}`,
    spec.description + (spec.choices ? ` (${spec.choices.join('|')})` : ''),
  ]);
  const width = Math.max(...rows.map(([left]) => left!.length)) + 2;
  return rows.map(([left, right]) => left!.padEnd(width) + right).join('\n');
}
