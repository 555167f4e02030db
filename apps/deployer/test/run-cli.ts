import { fileURLToPath } from 'node:url';
import { execa } from 'execa';

export const binPath = fileURLToPath(new URL('../dist/bin.js', import.meta.url));
/** esbuild's metafile of the built CLI: which sources each bundle file holds. */
export const bundleMetaPath = fileURLToPath(new URL('../dist/bundle-meta.json', import.meta.url));

/** Runs the built `deployer` binary as a user would, never throwing on a non-zero exit. */
export async function runCli(
  args: readonly string[],
  options: { env?: Record<string, string>; cwd?: string } = {},
) {
  const result = await execa('node', [binPath, ...args], {
    reject: false,
    env: { NO_COLOR: '1', ...options.env },
    ...(options.cwd && { cwd: options.cwd }),
    timeout: 120_000,
  });
  return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
}
