import { type BuildEvent, cacheHitRatio, type StepCounts, type StepTiming } from '@deployer/contracts';
import { isCountedStep, parseStepName } from './step-name.js';

interface StepRecord {
  name: string;
  cached: boolean;
  shared: boolean;
  durationMs: number;
  error: string | null;
  logTail: string[];
}

export interface FailedStep {
  name: string;
  error: string;
  logTail: string[];
}

export interface ProgressSummary {
  steps: StepCounts;
  cacheHitRatio: number;
  stepTimings: StepTiming[];
  /** Imported refs that could not be read: cache misses. */
  missingCacheRefs: string[];
  /** Imported refs whose import vertex succeeded, in the order BuildKit finished them. */
  importedCacheRefs: string[];
  /** The root failure among the vertices, if any (cancellations of parallel steps skipped). */
  failedStep: FailedStep | null;
}

const TAIL_LINES = 20;
const TAIL_LINE_LENGTH = 2_000;
const cancellation = /context canceled|^canceled$/;

/**
 * Folds BuildEvents into what a build result reports. Counts only Dockerfile steps after FROM (see
 * isCountedStep), each once: cached, shared (a concurrent identical build ran it) or run here; keeps the
 * last few log lines per step for error reports, nothing more.
 */
export class ProgressTracker {
  private readonly steps = new Map<string, StepRecord>();
  private readonly missing = new Set<string>();
  private readonly imported = new Set<string>();

  observe(event: BuildEvent): void {
    if (event.type === 'warning' || event.type === 'retry' || event.type === 'daemon') return;
    if (event.type === 'cache-miss') {
      this.missing.add(event.ref);
      this.imported.delete(event.ref);
      return;
    }
    const step = this.step(event.stepId, 'name' in event ? event.name : undefined);
    switch (event.type) {
      case 'step-cached':
        step.cached = true;
        break;
      case 'step-completed': {
        step.cached ||= event.cached;
        step.durationMs = event.durationMs;
        const name = parseStepName(event.name);
        if (name.kind === 'cache-import' && !this.missing.has(name.ref)) this.imported.add(name.ref);
        break;
      }
      case 'step-shared':
        step.shared = !step.cached;
        break;
      case 'step-errored':
        step.error = event.error;
        break;
      case 'log':
        step.logTail.push(
          event.line.length > TAIL_LINE_LENGTH ? `${event.line.slice(0, TAIL_LINE_LENGTH)}…` : event.line,
        );
        if (step.logTail.length > TAIL_LINES) step.logTail.shift();
        break;
      default:
        break;
    }
  }

  summary(): ProgressSummary {
    const counted = [...this.steps.values()].filter((step) => isCountedStep(step.name));
    const steps: StepCounts = {
      total: counted.length,
      cached: counted.filter((step) => step.cached).length,
      shared: counted.filter((step) => step.shared).length,
    };
    const failures = [...this.steps.values()].filter((step) => step.error !== null);
    const root = failures.find((step) => !cancellation.test(step.error ?? '')) ?? failures[0];
    return {
      steps,
      cacheHitRatio: cacheHitRatio(steps),
      stepTimings: counted.map(({ name, cached, shared, durationMs }) => ({
        name,
        cached,
        shared,
        durationMs,
      })),
      missingCacheRefs: [...this.missing],
      importedCacheRefs: [...this.imported],
      failedStep:
        root === undefined ? null : { name: root.name, error: root.error ?? '', logTail: [...root.logTail] },
    };
  }

  private step(stepId: string, name: string | undefined): StepRecord {
    let step = this.steps.get(stepId);
    if (step === undefined) {
      step = { name: name ?? '', cached: false, shared: false, durationMs: 0, error: null, logTail: [] };
      this.steps.set(stepId, step);
    } else if (name !== undefined && name !== '') {
      step.name = name;
    }
    return step;
  }
}
