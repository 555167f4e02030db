/*
 * BuildKit's SolveStatus as buildctl `--trace` and `--progress=rawjson` print it: one JSON object per line.
 * BuildKit ≤ 0.11 writes Go field names (`Vertexes`, `Digest`, …); 0.12+ added lowercase JSON tags with
 * omitempty (`vertexes`, `digest`, …). Both are read here into one normalised shape.
 */

export interface SolveVertex {
  digest: string;
  name: string;
  /** Milliseconds since the epoch (sub-millisecond precision kept); null until started. */
  started: number | null;
  completed: number | null;
  cached: boolean;
  error: string;
}

export interface SolveLog {
  vertex: string;
  /** 1 stdout, 2 stderr. */
  stream: number;
  data: Uint8Array;
}

export interface SolveWarning {
  vertex: string;
  short: string;
  url: string;
}

export interface SolveStatus {
  vertexes: SolveVertex[];
  logs: SolveLog[];
  warnings: SolveWarning[];
}

type Json = Record<string, unknown>;

function field(object: Json, name: string): unknown {
  return object[name] ?? object[name.charAt(0).toLowerCase() + name.slice(1)];
}

function list(object: Json, name: string): Json[] {
  const value = field(object, name);
  return Array.isArray(value)
    ? value.filter((item): item is Json => typeof item === 'object' && item !== null)
    : [];
}

function text(object: Json, name: string): string {
  const value = field(object, name);
  return typeof value === 'string' ? value : '';
}

/** RFC 3339 with nanoseconds, as Go writes it, to milliseconds with the fraction kept. */
export function parseTimestamp(value: unknown): number | null {
  if (typeof value !== 'string') return null;
  const match = /^(.*T\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:\d\d)$/.exec(value);
  if (match === null) return null;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return null;
  return seconds + Number(`0.${match[2] ?? '0'}`) * 1000;
}

function base64(value: unknown): Uint8Array {
  return typeof value === 'string' ? Buffer.from(value, 'base64') : new Uint8Array();
}

/** One line of a trace file or rawjson stream; null for anything that is not a SolveStatus object. */
export function parseTraceLine(line: string): SolveStatus | null {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch {
    return null;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return null;
  const object = parsed as Json;
  const keys = ['Vertexes', 'Statuses', 'Logs', 'Warnings'];
  if (!keys.some((key) => field(object, key) !== undefined)) return null;

  return {
    vertexes: list(object, 'Vertexes')
      .map((vertex) => ({
        digest: text(vertex, 'Digest'),
        name: text(vertex, 'Name'),
        started: parseTimestamp(field(vertex, 'Started')),
        completed: parseTimestamp(field(vertex, 'Completed')),
        cached: field(vertex, 'Cached') === true,
        error: text(vertex, 'Error'),
      }))
      .filter((vertex) => vertex.digest !== ''),
    logs: list(object, 'Logs').map((log) => ({
      vertex: text(log, 'Vertex'),
      stream: typeof field(log, 'Stream') === 'number' ? (field(log, 'Stream') as number) : 1,
      data: base64(field(log, 'Data')),
    })),
    warnings: list(object, 'Warnings').map((warning) => ({
      vertex: text(warning, 'Vertex'),
      short: Buffer.from(base64(field(warning, 'Short'))).toString('utf8'),
      url: text(warning, 'URL') || text(warning, 'url'),
    })),
  };
}
