/**
 * Turns chunks (which split lines, and UTF-8 sequences, anywhere) into whole lines. Holds only the
 * unfinished last line, cut at `maxLineLength` so one endless line cannot grow without bound.
 */
export class LineSplitter {
  private readonly decoder = new TextDecoder('utf-8');
  private partial = '';

  constructor(private readonly maxLineLength = 1024 * 1024) {}

  push(chunk: Uint8Array | string): string[] {
    const text = typeof chunk === 'string' ? chunk : this.decoder.decode(chunk, { stream: true });
    const pieces = (this.partial + text).split('\n');
    this.partial = pieces.pop() ?? '';
    const lines = pieces.map(stripCarriageReturn);
    while (this.partial.length > this.maxLineLength) {
      lines.push(this.partial.slice(0, this.maxLineLength));
      this.partial = this.partial.slice(this.maxLineLength);
    }
    return lines;
  }

  /** The unterminated rest, if any. */
  end(): string[] {
    const rest = this.partial + this.decoder.decode();
    this.partial = '';
    return rest === '' ? [] : [stripCarriageReturn(rest)];
  }
}

function stripCarriageReturn(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
