// The text exposition parser is the server's own tests' (one parser for both suites).
export { parseExposition as parseMetrics } from '../../../../../packages/server/test/support/exposition.js';

/** A pino line of the server's stdout, with the fields the tests read. */
export interface LogLine {
  level: number;
  msg: string;
  buildUuid?: string;
  runId?: string;
  service?: string;
  deliveryId?: string;
  [field: string]: unknown;
}

/** Every line of the server's output as JSON; a line that is not a JSON object fails the test. */
export function parseLogLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        throw new Error(`not a JSON log line: ${line}`);
      }
      if (typeof parsed !== 'object' || parsed === null || typeof (parsed as LogLine).msg !== 'string')
        throw new Error(`not a pino log line: ${line}`);
      return parsed as LogLine;
    });
}

/** What the server logs about jobs (see the server's job observer): job and service start and end. */
const jobMessage = /^(build|down) |^service |corrupt cache refs deleted/;

/** The lines about a job: by their message, or because they name a build or service at all. */
export function jobLogLines(lines: readonly LogLine[]): LogLine[] {
  return lines.filter(
    (line) =>
      jobMessage.test(line.msg) ||
      line.runId !== undefined ||
      line.buildUuid !== undefined ||
      line.service !== undefined,
  );
}
