/** A command line for reading: arguments with spaces, quotes or nothing in them single-quoted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((arg) => (/^[^\s'"\\]+$/.test(arg) ? arg : `'${arg.replaceAll("'", `'\\''`)}'`)).join(' ');
}
