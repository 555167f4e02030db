import type { BuildEvent } from '@deployer/contracts';
import { LineSplitter } from './line-splitter.js';
import { parseTraceLine } from './solve-status.js';
import { SolveStatusDecoder } from './status-decoder.js';

/** A trace line may carry many log chunks; it is cut only far beyond anything BuildKit writes. */
export const MAX_TRACE_LINE = 16 * 1024 * 1024;

/**
 * Incremental reader for a `--trace` file or a `--progress=rawjson` stream: chunks in, BuildEvents out.
 * Lines that are not SolveStatus JSON (buildx's own messages) go to `onOtherLine`.
 */
export class SolveStatusReader {
  private readonly lines = new LineSplitter(MAX_TRACE_LINE);
  private readonly decoder = new SolveStatusDecoder();

  constructor(private readonly onOtherLine: (line: string) => void = () => {}) {}

  push(chunk: Uint8Array | string): BuildEvent[] {
    return this.lines.push(chunk).flatMap((line) => this.line(line));
  }

  /** The rest of the stream; `succeeded`: whether the build process succeeded (see SolveStatusDecoder). */
  end(succeeded = true): BuildEvent[] {
    return [...this.lines.end().flatMap((line) => this.line(line)), ...this.decoder.finish(succeeded)];
  }

  private line(line: string): BuildEvent[] {
    const status = parseTraceLine(line);
    if (status === null) {
      if (line.trim() !== '') this.onOtherLine(line);
      return [];
    }
    return this.decoder.push(status);
  }
}

/** Streams the events of a trace file or rawjson stream as they arrive, holding only the current line. */
export async function* readSolveStatus(
  source: AsyncIterable<Uint8Array | string>,
): AsyncGenerator<BuildEvent> {
  const reader = new SolveStatusReader();
  for await (const chunk of source) yield* reader.push(chunk);
  yield* reader.end();
}
