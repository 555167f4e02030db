import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** A temp directory removed after the test file. */
export async function tempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  afterAll(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * Writes an executable `docker-credential-<name>` that answers `get` from a fixed table, as real
 * helpers do: JSON on stdout, or "credentials not found" with exit code 1.
 */
export async function writeCredentialHelper(
  dir: string,
  name: string,
  table: Record<string, { Username: string; Secret: string }>,
  options: { failWith?: number } = {},
): Promise<void> {
  const script = `#!${process.execPath}
const table = ${JSON.stringify(table)};
let input = '';
process.stdin.on('data', (c) => (input += c));
process.stdin.on('end', () => {
  if (process.argv[2] !== 'get') process.exit(2);
  ${options.failWith ? `process.stdout.write('helper broke; secret was ' + JSON.stringify(table)); process.exit(${options.failWith});` : ''}
  const entry = table[input.trim()];
  if (!entry) { process.stdout.write('credentials not found in native keychain'); process.exit(1); }
  process.stdout.write(JSON.stringify({ ServerURL: input.trim(), ...entry }));
});
`;
  const path = join(dir, `docker-credential-${name}`);
  await writeFile(path, script);
  await chmod(path, 0o755);
}
