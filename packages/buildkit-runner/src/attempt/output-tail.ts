import { LineSplitter } from '../progress/line-splitter.js';

/** The last `size` lines of a process's own output; older lines are dropped as new ones arrive. */
export class OutputTail {
  private readonly lines: string[] = [];

  constructor(private readonly size = 200) {}

  add(line: string): void {
    this.lines.push(line.length > 4_000 ? `${line.slice(0, 4_000)}…` : line);
    if (this.lines.length > this.size) this.lines.shift();
  }

  /** A chunk sink that feeds whole lines to `add`. */
  sink(): { push(chunk: Uint8Array): void; end(): void } {
    const splitter = new LineSplitter(64 * 1024);
    return {
      push: (chunk) => {
        for (const line of splitter.push(chunk)) this.add(line);
      },
      end: () => {
        for (const line of splitter.end()) this.add(line);
      },
    };
  }

  snapshot(): string[] {
    return [...this.lines];
  }
}
