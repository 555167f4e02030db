/**
 * Ends the process once a command's work and report are done. A command has awaited everything it
 * started by then; what may still be referenced is not ours to wait for — fetch's keep-alive sockets to
 * the registry, a library's timer — and must not keep a finished run alive (buildah runs were seen
 * lingering ~5.5 s after their report). The output is flushed first, so nothing of the report is lost.
 * `DEPLOYER_DEBUG_HANDLES=1` lists what was still referenced on stderr, to find such a handle.
 */
export async function exitWhenDone(
  exitCode: number,
  streams: { stdout: NodeJS.WriteStream; stderr: NodeJS.WriteStream },
  env: NodeJS.ProcessEnv,
): Promise<never> {
  if (env.DEPLOYER_DEBUG_HANDLES === '1') {
    const resources = process.getActiveResourcesInfo().filter((name) => name !== 'TTYWrap');
    streams.stderr.write(`deployer: still referenced at exit: ${resources.join(', ') || '(nothing)'}\n`);
  }
  await Promise.all([flush(streams.stdout), flush(streams.stderr)]);
  process.exit(exitCode);
}

/** Resolves once everything written to the stream before has been handed to the OS. */
function flush(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || !stream.writable) resolve();
    else stream.write('', () => resolve());
  });
}
