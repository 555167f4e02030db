import { once } from 'node:events';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';

export type OutputStream = 'stdout' | 'stderr';

export interface OutputListeners {
  /** Raw output of stdout, as it arrives. */
  onStdout?: (chunk: Uint8Array) => void;
  /** Raw output of stderr, as it arrives. */
  onStderr?: (chunk: Uint8Array) => void;
  /** Output of either stream, line by line (the last line also without a newline). */
  onLine?: (stream: OutputStream, line: string) => void;
}

/** Hands a stream's output to the listeners; resolves once the stream is closed (or failed). */
export async function readOutput(
  stream: Readable | null,
  name: OutputStream,
  listeners: OutputListeners,
): Promise<void> {
  if (stream === null) return;
  const onChunk = name === 'stdout' ? listeners.onStdout : listeners.onStderr;
  if (onChunk !== undefined) stream.on('data', onChunk);
  const { onLine } = listeners;
  if (onLine !== undefined) {
    const lines = createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY });
    lines.on('line', (line) => onLine(name, line));
  } else if (onChunk === undefined) {
    stream.resume();
  }
  // 'close' follows 'end', after which readline has handed over the last line.
  await once(stream, 'close').catch(() => {});
}
