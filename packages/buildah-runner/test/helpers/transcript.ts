import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BuildEvent } from '@deployer/contracts';
import {
  BuildahOutputParser,
  type BuildahOutputSummary,
  type OutputStream,
} from '../../src/progress/output-parser.js';

export const fixturesDir = join(import.meta.dirname, '..', 'fixtures');

export interface TranscriptLine {
  stream: OutputStream;
  line: string;
}

/** A recorded buildah run (see fixtures/README.md). */
export function readTranscript(name: string): { lines: TranscriptLine[]; exit: string } {
  const lines = readFileSync(join(fixturesDir, `${name}.transcript.jsonl`), 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as TranscriptLine);
  const exit = readFileSync(join(fixturesDir, `${name}.exitcode`), 'utf8').trim();
  return { lines, exit };
}

/** Replays a transcript through the parser with a clock that advances 10 ms per line. */
export function replay(name: string): {
  events: BuildEvent[];
  summary: BuildahOutputSummary;
  parser: BuildahOutputParser;
  exit: string;
} {
  const { lines, exit } = readTranscript(name);
  const events: BuildEvent[] = [];
  let clock = 0;
  const parser = new BuildahOutputParser({ onEvent: (event) => events.push(event), now: () => clock });
  for (const { stream, line } of lines) {
    clock += 10;
    parser.line(stream, line);
  }
  const failed = exit !== '0';
  const summary = parser.finish(failed ? (parser.lastError ?? `exit ${exit}`) : null);
  return { events, summary, parser, exit };
}
