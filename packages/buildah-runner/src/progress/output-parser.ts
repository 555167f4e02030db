import type { BuildEvent } from '@deployer/contracts';

export type OutputStream = 'stdout' | 'stderr';

/**
 * The Dockerfile instructions that count as build steps, as the BuildKit runner counts them: BuildKit
 * makes a vertex for each of these, while FROM and metadata-only instructions (CMD, ENV, LABEL, …) are
 * not steps there, so they do not count here either. buildah still reports every instruction as an event.
 */
const countedInstructions = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

export interface ParsedStep {
  /** `step-<stage>.<index>`, e.g. `step-2.3`; stage 1 for single-stage builds. */
  id: string;
  /** The instruction, prefixed with `[stage/stages]` in multi-stage builds. */
  name: string;
  /** Upper-case keyword, e.g. `RUN`. */
  instruction: string;
  index: number;
  total: number;
  counted: boolean;
  cached: boolean;
  errored: boolean;
  durationMs: number | null;
  logTail: string[];
}

export interface CacheImageRef {
  repository: string;
  tag: string;
}

export interface BuildahOutputSummary {
  steps: ParsedStep[];
  /** Cache images pulled from a `--cache-from` repository and used. */
  pulledCache: CacheImageRef[];
  /** Cache images pushed to the `--cache-to` repository. */
  pushedCache: CacheImageRef[];
  /** The last `Error: …` buildah printed, without the prefix. */
  errorMessage: string | null;
  imageId: string | null;
}

export interface OutputParserOptions {
  onEvent?: (event: BuildEvent) => void;
  now?: () => number;
  /** Log lines kept per step for error reports. Default 20. */
  logTailLines?: number;
}

const stepPattern = /^(?:\[(\d+)\/(\d+)\] )?STEP (\d+)\/(\d+): (.*)$/;
const commitPattern = /^(?:\[\d+\/\d+\] )?COMMIT(?: .*)?$/;
const usingCachePattern = /^--> Using cache ([0-9a-f]{12,64})$/;
const pulledCachePattern = /^--> Cache pulled from remote (\S+):([\w.-]+)$/;
const pushingCachePattern = /^--> Pushing cache (\S+):([\w.-]+)$/;
const layerDonePattern = /^--> ([0-9a-f]{11,64})$/;
const imageIdPattern = /^([0-9a-f]{64})$/;
const errorPattern = /^Error: (.*)$/;
const logrusPattern = /^time="[^"]*" level=(\w+) msg="((?:[^"\\]|\\.)*)"/;

/**
 * Turns buildah's output, line by line as it arrives, into build events and a summary. Lines belong to
 * the step last started, which holds while stages run one after another (buildah's default `--jobs=1`).
 */
export class BuildahOutputParser {
  private readonly steps: ParsedStep[] = [];
  private readonly pulledCache: CacheImageRef[] = [];
  private readonly pushedCache: CacheImageRef[] = [];
  private errorMessage: string | null = null;
  private imageId: string | null = null;
  private open: { step: ParsedStep; startedAt: number } | null = null;
  private readonly emit: (event: BuildEvent) => void;
  private readonly now: () => number;
  private readonly tailLines: number;

  constructor(options: OutputParserOptions = {}) {
    this.emit = options.onEvent ?? (() => {});
    this.now = options.now ?? Date.now;
    this.tailLines = options.logTailLines ?? 20;
  }

  line(stream: OutputStream, text: string): void {
    const line = text.replace(/\r$/, '');
    const step = stepPattern.exec(line);
    if (step !== null) {
      this.startStep(step);
      return;
    }
    if (commitPattern.test(line)) {
      this.closeStep(null);
      return;
    }
    const usingCache = usingCachePattern.exec(line);
    if (usingCache !== null) {
      if (this.open !== null && !this.open.step.cached) {
        this.open.step.cached = true;
        this.emit({ type: 'step-cached', stepId: this.open.step.id, name: this.open.step.name });
      }
      return;
    }
    const pulled = pulledCachePattern.exec(line);
    if (pulled !== null) {
      this.pulledCache.push({ repository: pulled[1]!, tag: pulled[2]! });
      return;
    }
    const pushing = pushingCachePattern.exec(line);
    if (pushing !== null) {
      this.pushedCache.push({ repository: pushing[1]!, tag: pushing[2]! });
      return;
    }
    if (layerDonePattern.test(line)) {
      this.closeStep(null);
      return;
    }
    const imageId = imageIdPattern.exec(line);
    if (imageId !== null) {
      this.imageId = imageId[1]!;
      return;
    }
    const error = errorPattern.exec(line);
    if (error !== null) this.errorMessage = error[1]!;
    const logrus = logrusPattern.exec(line);
    if (logrus !== null && logrus[1] === 'warning') {
      this.emit({ type: 'warning', message: logrus[2]!.replace(/\\(.)/g, '$1') });
    }
    this.log(stream, line);
  }

  /** Closes the open step: errored with `error` when the build failed, else completed. */
  finish(error: string | null): BuildahOutputSummary {
    this.closeStep(error);
    return {
      steps: this.steps.map((step) => ({ ...step, logTail: [...step.logTail] })),
      pulledCache: [...this.pulledCache],
      pushedCache: [...this.pushedCache],
      errorMessage: this.errorMessage,
      imageId: this.imageId,
    };
  }

  /** The last `Error: …` buildah printed so far, without the prefix. */
  get lastError(): string | null {
    return this.errorMessage;
  }

  /** The step that was running last, e.g. the one a failure happened in. */
  get currentStep(): ParsedStep | null {
    return this.open?.step ?? this.steps.at(-1) ?? null;
  }

  private startStep(match: RegExpExecArray): void {
    this.closeStep(null);
    const [, stage, stages, index, total, text] = match;
    const instruction = (text!.split(/\s/, 1)[0] ?? '').toUpperCase();
    const step: ParsedStep = {
      id: `step-${stage ?? '1'}.${index}`,
      name: stage === undefined ? text! : `[${stage}/${stages}] ${text}`,
      instruction,
      index: Number(index),
      total: Number(total),
      counted: countedInstructions.has(instruction),
      cached: false,
      errored: false,
      durationMs: null,
      logTail: [],
    };
    this.steps.push(step);
    this.open = { step, startedAt: this.now() };
    this.emit({
      type: 'step-started',
      stepId: step.id,
      name: step.name,
      index: step.index,
      total: step.total,
    });
  }

  private closeStep(error: string | null): void {
    if (this.open === null) return;
    const { step, startedAt } = this.open;
    this.open = null;
    step.durationMs = Math.max(0, this.now() - startedAt);
    if (error !== null) {
      step.errored = true;
      this.emit({ type: 'step-errored', stepId: step.id, name: step.name, error });
      return;
    }
    this.emit({
      type: 'step-completed',
      stepId: step.id,
      name: step.name,
      cached: step.cached,
      durationMs: step.durationMs,
    });
  }

  private log(stream: OutputStream, line: string): void {
    const step = this.currentStep;
    if (step !== null) {
      step.logTail.push(line);
      if (step.logTail.length > this.tailLines) step.logTail.shift();
    }
    this.emit({ type: 'log', stepId: step?.id ?? 'buildah', stream, line });
  }
}
