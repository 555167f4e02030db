import type { CacheEndpoint, CachePlan } from '@deployer/contracts';
import { tagLengthMax } from '../grammar/patterns.js';
import { shortHash, shortHashLength } from '../grammar/short-hash.js';

/*
 * One writer per ref by construction: a run never exports to an environment's cache ref itself but to a
 * tag of its own beside it (`<cache tag>--run-<start>-<run hash>`), and deploy then promotes that complete
 * manifest onto the cache ref with one manifest PUT. Two runs of one environment thus never write one tag
 * at once, whatever their timing, and readers only ever see complete manifests.
 *
 * `--` never occurs in a cache tag (`cache`, `cache-<service>-<uuid>`: every component is a portable
 * component, which has no `--`, see grammar/sanitize.ts), so a run tag never equals any environment's or
 * service's cache tag, and the first `--` of a tag tells a run tag apart.
 */

/** Marks a run tag: the first `--` in a tag. */
const runMarker = '--run-';
/** Start times in base 36, fixed width, so run tags sort by start (9 digits last until the year 5188). */
const startWidth = 9;
const runTagPattern = new RegExp(
  `^(.+?)${runMarker}([0-9a-z]{${startWidth}})-([0-9a-f]{${shortHashLength}})$`,
);

/** The run a run tag belongs to: cache-ref's view of deploy's lease holder. */
export interface ExportRun {
  runId: string;
  startedAt: Date;
}

/** The length of every run tag's part after its head: `--run-<start>-<run hash>`. */
const suffixLength = runMarker.length + startWidth + 1 + shortHashLength;

/** The part of a run tag before `--run-`: the cache tag, or for long ones a shortened form with its hash. */
function runExportTagHead(cacheTag: string): string {
  if (cacheTag.length + suffixLength <= tagLengthMax) return cacheTag;
  // Too long: a prefix of the cache tag keeps it readable, its hash keeps distinct cache tags apart.
  const head = cacheTag.slice(0, tagLengthMax - suffixLength - shortHashLength - 1).replace(/[._-]+$/, '');
  return `${head}-${shortHash(cacheTag)}`;
}

/** The tag a run exports to instead of `cacheTag`. Stays within the 128 characters a tag may have. */
export function runExportTag(cacheTag: string, run: ExportRun): string {
  const start = run.startedAt.getTime().toString(36).padStart(startWidth, '0');
  return `${runExportTagHead(cacheTag)}${runMarker}${start}-${shortHash(run.runId)}`;
}

export interface ParsedRunExportTag {
  /** The cache tag (or, for long ones, its shortened form) the run was exporting for. */
  cacheTagHead: string;
  /** When the run started (millisecond precision). */
  startedAt: Date;
}

/** A run tag's parts; null for any other tag (cache tags, lease tags, buildah layer tags). */
export function parseRunExportTag(tag: string): ParsedRunExportTag | null {
  const match = runTagPattern.exec(tag);
  if (match === null || match[1]!.includes('--')) return null;
  return { cacheTagHead: match[1]!, startedAt: new Date(Number.parseInt(match[2]!, 36)) };
}

export function isRunExportTag(tag: string): boolean {
  return parseRunExportTag(tag) !== null;
}

/**
 * Whether `tag` is a run tag of exactly `cacheTag`: compared whole, so `cache-web-pr-4`'s run tags are
 * never `cache-web-pr-42`'s (a prefix match would hand one environment's run tags to another).
 */
export function isRunExportTagOf(tag: string, cacheTag: string): boolean {
  return parseRunExportTag(tag)?.cacheTagHead === runExportTagHead(cacheTag);
}

/** Where a run's export goes, and which cache ref it is promoted to afterwards. */
export interface RunExport {
  /** The plan to give the engine: `export` is the run's own tag; imports are unchanged. */
  plan: CachePlan;
  /** The run tag the engine writes. */
  runRef: CacheEndpoint;
  /** The environment's cache ref the run tag is promoted to. */
  cacheRef: CacheEndpoint;
}

/**
 * The run-scoped export of a cache plan; null when the plan writes nothing or its engine caches per
 * repository (buildah: one tag per layer, each written by one PUT, see buildah-runner's README).
 */
export function runScopedExport(plan: CachePlan, run: ExportRun): RunExport | null {
  if (plan.export === null || plan.engine !== 'buildkit') return null;
  const tag = runExportTag(plan.export.tag, run);
  const runRef: CacheEndpoint = { ...plan.export, ref: `${plan.export.repository}:${tag}`, tag };
  return { plan: { ...plan, export: runRef }, runRef, cacheRef: plan.export };
}
