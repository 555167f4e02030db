/** One sample line of Prometheus' text exposition: `name{label="value",…} value`. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface ScrapedMetrics {
  samples: Sample[];
  /** The sample with this name and exactly these labels; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** All samples of this name added up, whatever their labels (e.g. a histogram's `_count` per label set). */
  sum(name: string): number;
}

const samplePattern = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const labelPattern = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/** Reads `GET /metrics` as a scraper would; a line that is neither comment nor sample fails the test. */
export function parseMetrics(text: string): ScrapedMetrics {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const match = samplePattern.exec(line);
    if (!match) throw new Error(`not a sample line of the text exposition: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(labelPattern)) {
      labels[key!] = value!.replace(/\\(.)/g, (_, character: string) =>
        character === 'n' ? '\n' : character,
      );
    }
    samples.push({ name: match[1]!, labels, value: match[3] === '+Inf' ? Infinity : Number(match[3]) });
  }
  const sameLabels = (a: Record<string, string>, b: Record<string, string>) =>
    Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([key, v]) => a[key] === v);
  return {
    samples,
    value: (name, labels = {}) =>
      samples.find((sample) => sample.name === name && sameLabels(sample.labels, labels))?.value,
    sum: (name) =>
      samples.filter((sample) => sample.name === name).reduce((total, sample) => total + sample.value, 0),
  };
}

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
