import type { BuildEvent } from '@deployer/contracts';
import { LineSplitter } from './line-splitter.js';
import type { SolveStatus, SolveVertex } from './solve-status.js';
import { parseStepName } from './step-name.js';

interface VertexState {
  name: string;
  firstStarted: number | null;
  completed: boolean;
  cached: boolean;
  errors: Set<string>;
}

/** Log lines longer than this are cut into pieces: a step printing without newlines stays bounded. */
const MAX_LOG_LINE = 64 * 1024;

/**
 * Folds BuildKit's SolveStatus updates into BuildEvents. BuildKit repeats a vertex in many updates (and
 * may restart one, e.g. to fetch a lazily imported layer), so events mark transitions:
 * - `step-started` once per vertex, at its first start;
 * - `step-cached` once, when BuildKit first reports it cached;
 * - `step-completed` on each change from running to completed (a restarted vertex completes again; its
 *   duration runs from the first start, so the last event carries the total);
 * - `step-errored` once per distinct error;
 * - `cache-miss` instead, once, for a failed `importing cache manifest from REF` vertex: a ref that does
 *   not exist yet (a new environment's own) is a miss, not a build failure, and the build goes on;
 * - `step-shared`, at the end of a stream in which no step failed, for each vertex seen but never
 *   completed nor cached here: BuildKit's solver ran that step once for several concurrent identical
 *   builds, and only one client's status stream shows it finish (recorded in
 *   test/fixtures/recorded, cases 13 and 14). A failed build's unfinished vertices just never ran;
 * - `log` per whole line of a step's stdout/stderr (chunks are split and joined per vertex and stream).
 * Vertices outside the Dockerfile's numbered steps report `index` 0 and `total` null.
 */
export class SolveStatusDecoder {
  private readonly vertices = new Map<string, VertexState>();
  private readonly logSplitters = new Map<string, LineSplitter>();
  private stepFailed = false;

  push(status: SolveStatus): BuildEvent[] {
    const events: BuildEvent[] = [];
    for (const log of status.logs) {
      const key = `${log.vertex} ${log.stream}`;
      let splitter = this.logSplitters.get(key);
      if (splitter === undefined) {
        splitter = new LineSplitter(MAX_LOG_LINE);
        this.logSplitters.set(key, splitter);
      }
      for (const line of splitter.push(log.data)) events.push(logEvent(log.vertex, log.stream, line));
    }
    for (const vertex of status.vertexes) events.push(...this.vertexUpdate(vertex));
    for (const warning of status.warnings) {
      const step = this.vertices.get(warning.vertex)?.name;
      const message = `${step === undefined ? '' : `${step}: `}${warning.short}`;
      events.push({ type: 'warning', message: warning.url === '' ? message : `${message} (${warning.url})` });
    }
    return events;
  }

  /**
   * Unterminated log lines at the end of the stream, then the steps another build ran for this one.
   * `succeeded: false` (the build process failed, e.g. its connection to the daemon was lost) means the
   * unfinished vertices never ran, even when no vertex reported an error.
   */
  finish(succeeded = true): BuildEvent[] {
    const events: BuildEvent[] = [];
    for (const key of [...this.logSplitters.keys()]) events.push(...this.flushLogs(key));
    if (!succeeded || this.stepFailed) return events;
    for (const [stepId, state] of this.vertices) {
      if (!state.completed && !state.cached && state.errors.size === 0)
        events.push({ type: 'step-shared', stepId, name: state.name });
    }
    return events;
  }

  private vertexUpdate(vertex: SolveVertex): BuildEvent[] {
    let state = this.vertices.get(vertex.digest);
    if (state === undefined) {
      state = { name: vertex.name, firstStarted: null, completed: false, cached: false, errors: new Set() };
      this.vertices.set(vertex.digest, state);
    }
    if (vertex.name !== '') state.name = vertex.name;
    const { name } = state;
    const stepId = vertex.digest;
    const events: BuildEvent[] = [];

    const started = vertex.started ?? vertex.completed;
    if (started !== null && state.firstStarted === null) {
      state.firstStarted = started;
      const step = parseStepName(name);
      const position =
        step.kind === 'dockerfile' ? { index: step.index, total: step.total } : { index: 0, total: null };
      events.push({ type: 'step-started', stepId, name, ...position });
    }
    if (vertex.cached && !state.cached) {
      state.cached = true;
      events.push({ type: 'step-cached', stepId, name });
    }
    if (vertex.completed === null) {
      state.completed = false;
      return events;
    }
    if (vertex.error !== '') {
      state.completed = true;
      if (!state.errors.has(vertex.error)) {
        const step = parseStepName(name);
        if (step.kind === 'cache-import') {
          if (state.errors.size === 0)
            events.push({ type: 'cache-miss', ref: step.ref, reason: vertex.error });
        } else {
          this.stepFailed = true;
          events.push(...this.flushVertexLogs(stepId), {
            type: 'step-errored',
            stepId,
            name,
            error: vertex.error,
          });
        }
        state.errors.add(vertex.error);
      }
      return events;
    }
    if (!state.completed) {
      state.completed = true;
      const durationMs = Math.max(0, vertex.completed - (state.firstStarted ?? vertex.completed));
      events.push(...this.flushVertexLogs(stepId), {
        type: 'step-completed',
        stepId,
        name,
        cached: state.cached,
        durationMs,
      });
    }
    return events;
  }

  private flushVertexLogs(stepId: string): BuildEvent[] {
    return [...this.flushLogs(`${stepId} 1`), ...this.flushLogs(`${stepId} 2`)];
  }

  private flushLogs(key: string): BuildEvent[] {
    const splitter = this.logSplitters.get(key);
    if (splitter === undefined) return [];
    this.logSplitters.delete(key);
    const [vertex = '', stream = '1'] = key.split(' ');
    return splitter.end().map((line) => logEvent(vertex, Number(stream), line));
  }
}

function logEvent(stepId: string, stream: number, line: string): BuildEvent {
  return { type: 'log', stepId, stream: stream === 2 ? 'stderr' : 'stdout', line };
}
