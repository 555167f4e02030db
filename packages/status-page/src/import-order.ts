import { type ImportSourceView, readBuildReport } from './report-view.js';
import type { BuildRecord } from './view-types.js';

/** The caches a build imported, with the build they were read from. */
export interface NewestImportOrder {
  buildId: number;
  importOrder: ImportSourceView[];
}

/**
 * The import order of the newest build whose report records one (builds newest first, as the state lists
 * them): a queued or running build has no report yet, and a report written before deploy recorded the
 * order has none, so the order shown is the last one known. Null when no build recorded one.
 */
export function newestImportOrder(builds: readonly BuildRecord[]): NewestImportOrder | null {
  for (const build of builds) {
    if (build.kind !== 'build') continue;
    const importOrder = readBuildReport(build.report)?.importOrder ?? null;
    if (importOrder !== null) return { buildId: build.id, importOrder };
  }
  return null;
}
