/**
 * The part of a build report the pages show, read from deploy's `reportToJson` shape (a `BuildReport`)
 * stored as JSON. The report is `unknown` to the server: each field is taken only when it has the expected
 * type, and nothing else of it is ever printed.
 */
export interface ServiceReportView {
  service: string;
  status: string;
  image: string | null;
  digest: string | null;
  /** cached / (total - shared), as deploy's report carries it (contracts' cacheHitRatio). */
  cacheHitRatio: number | null;
  steps: { total: number; cached: number; shared: number } | null;
  durationMs: number | null;
  reason: string | null;
  failure: { cause: string | null; step: string | null; logTail: string[] } | null;
  /** A skipped service's own cache brought up to date from the cache of the environment that built it. */
  cacheRefresh: CacheRefreshView | null;
}

/**
 * One cache the build imported, in the order it imported them: its own first, then fallbacks. `why` is the
 * server's (or deploy's) wording of why that environment warms this one, never text of the spec's.
 */
export interface ImportSourceView {
  buildUuid: string;
  source: 'own' | 'fallback';
  why: string;
}

/** Whether a skipped service's own cache ref was refreshed, and from which cache ref (null when not). */
export interface CacheRefreshView {
  status: 'refreshed' | 'none';
  from: string | null;
  /** Null on the copy for visitors who may not read failure text, when nothing was refreshed. */
  reason: string | null;
}

export interface BuildReportView {
  engine: string | null;
  runId: string | null;
  durationMs: number | null;
  ok: boolean | null;
  /** The caches the build imported, own first; null for a report without one (older deploys). */
  importOrder: ImportSourceView[] | null;
  services: ServiceReportView[];
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

function finite(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

function steps(value: unknown): ServiceReportView['steps'] {
  if (!isObject(value)) return null;
  const total = finite(value.total);
  const cached = finite(value.cached);
  const shared = finite(value.shared) ?? 0;
  return total === null || cached === null ? null : { total, cached, shared };
}

function failure(value: unknown): ServiceReportView['failure'] {
  if (!isObject(value)) return null;
  const logTail = Array.isArray(value.logTail)
    ? value.logTail.filter((line) => typeof line === 'string')
    : [];
  return { cause: text(value.cause), step: text(value.step), logTail };
}

function importSource(value: unknown): ImportSourceView | null {
  if (!isObject(value)) return null;
  const buildUuid = text(value.buildUuid);
  const why = text(value.why);
  const source = value.source === 'own' || value.source === 'fallback' ? value.source : null;
  return buildUuid === null || why === null || source === null ? null : { buildUuid, source, why };
}

function importOrder(value: unknown): ImportSourceView[] | null {
  if (!Array.isArray(value)) return null;
  return value.map(importSource).filter((entry): entry is ImportSourceView => entry !== null);
}

function cacheRefresh(value: unknown): CacheRefreshView | null {
  if (!isObject(value)) return null;
  const status = value.status === 'refreshed' || value.status === 'none' ? value.status : null;
  if (status === null) return null;
  // A reason left out (the copy without failure text) reads as none; one of another type drops the refresh.
  const reason = value.reason === null ? null : text(value.reason);
  if (reason === null && value.reason !== null) return null;
  return { status, from: text(value.from), reason };
}

function service(value: unknown): ServiceReportView | null {
  if (!isObject(value)) return null;
  const name = text(value.service);
  if (name === null) return null;
  return {
    service: name,
    status: text(value.status) ?? 'unknown',
    image: text(value.image),
    digest: text(value.digest),
    cacheHitRatio: finite(value.cacheHitRatio),
    steps: steps(value.steps),
    durationMs: finite(value.durationMs),
    reason: text(value.reason),
    failure: failure(value.failure),
    cacheRefresh: cacheRefresh(value.cacheRefresh),
  };
}

/** The report's view, or null when the build has none (queued, running, failed before building). */
export function readBuildReport(report: unknown): BuildReportView | null {
  // A report kept as its JSON text (reportToJson's output) reads the same.
  if (typeof report === 'string') {
    try {
      return readBuildReport(JSON.parse(report));
    } catch {
      return null;
    }
  }
  if (!isObject(report)) return null;
  const services = Array.isArray(report.services) ? report.services.map(service) : [];
  return {
    engine: text(report.engine),
    runId: text(report.runId),
    durationMs: finite(report.durationMs),
    ok: typeof report.ok === 'boolean' ? report.ok : null,
    importOrder: importOrder(report.importOrder),
    services: services.filter((entry): entry is ServiceReportView => entry !== null),
  };
}
