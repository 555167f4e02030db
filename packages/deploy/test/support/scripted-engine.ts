import type {
  BuildEngine,
  EngineArgv,
  EngineBuildRequest,
  EngineBuildResult,
  EngineFailure,
} from '@deployer/contracts';

interface Pending {
  request: EngineBuildRequest;
  resolve: (result: EngineBuildResult) => void;
  reject: (error: unknown) => void;
}

export class EngineTestFailure extends Error implements EngineFailure {
  readonly code: string;
  readonly kind: EngineFailure['kind'];
  readonly corruptCacheRefs?: readonly string[];
  readonly step?: string;
  readonly attempts?: number;

  constructor(
    message: string,
    fields: Pick<EngineFailure, 'code' | 'kind' | 'corruptCacheRefs' | 'step' | 'attempts'>,
  ) {
    super(message);
    this.code = fields.code;
    this.kind = fields.kind;
    if (fields.corruptCacheRefs !== undefined) this.corruptCacheRefs = fields.corruptCacheRefs;
    if (fields.step !== undefined) this.step = fields.step;
    if (fields.attempts !== undefined) this.attempts = fields.attempts;
  }
}

export function engineResult(overrides: Partial<EngineBuildResult> = {}): EngineBuildResult {
  return {
    imageDigest: `sha256:${'ab'.repeat(32)}`,
    cacheManifestDigest: null,
    steps: { total: 4, cached: 1, shared: 0 },
    cacheHitRatio: 0.25,
    stepTimings: [],
    missingCacheRefs: [],
    corruptCacheRefs: [],
    attempts: 1,
    durationMs: 5,
    ...overrides,
  };
}

/**
 * An in-process BuildEngine whose builds finish when the test says so. It honours the abort signal like
 * a real engine (rejecting with a `cancelled` failure) and records calls and peak concurrency.
 */
export class ScriptedEngine implements BuildEngine {
  readonly name = 'scripted';
  readonly calls: EngineBuildRequest[] = [];
  readonly order: string[] = [];
  readonly pending = new Map<string, Pending>();
  inFlight = 0;
  peak = 0;
  #waiters: { service: string; resolve: () => void }[] = [];

  /** For each warmUp, how many builds had been asked for by then. */
  readonly warmUps: number[] = [];

  warmUp(): void {
    this.warmUps.push(this.calls.length);
  }

  /** Requests `argv` was asked about: what a plan shows. */
  readonly argvCalls: EngineBuildRequest[] = [];

  async argv(request: EngineBuildRequest): Promise<EngineArgv> {
    this.argvCalls.push(request);
    return { argv: ['scripted', 'build', request.service], unresolved: [] };
  }

  build(request: EngineBuildRequest): Promise<EngineBuildResult> {
    this.calls.push(request);
    this.order.push(request.service);
    this.inFlight++;
    this.peak = Math.max(this.peak, this.inFlight);
    return new Promise<EngineBuildResult>((resolve, reject) => {
      const settle = () => {
        this.inFlight--;
        this.pending.delete(this.#key(request));
        request.signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = () => {
        settle();
        reject(new EngineTestFailure('build cancelled', { code: 'CANCELLED', kind: 'cancelled' }));
      };
      request.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(this.#key(request), {
        request,
        resolve: (result) => {
          settle();
          resolve(result);
        },
        reject: (error) => {
          settle();
          reject(error);
        },
      });
      request.onEvent?.({ type: 'step-started', stepId: '1', name: 'RUN true', index: 1, total: 1 });
      for (const waiter of this.#waiters.filter((w) => w.service === this.#key(request))) waiter.resolve();
      this.#waiters = this.#waiters.filter((w) => w.service !== this.#key(request));
    });
  }

  #key(request: EngineBuildRequest): string {
    return `${request.buildUuid}/${request.service}`;
  }

  /** Resolves once `service` of `buildUuid` is building. */
  started(buildUuid: string, service: string): Promise<void> {
    const key = `${buildUuid}/${service}`;
    if (this.pending.has(key)) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ service: key, resolve }));
  }

  complete(buildUuid: string, service: string, result: EngineBuildResult = engineResult()): void {
    this.#take(buildUuid, service).resolve(result);
  }

  fail(buildUuid: string, service: string, error: unknown): void {
    this.#take(buildUuid, service).reject(error);
  }

  building(): string[] {
    return [...this.pending.keys()].sort();
  }

  #take(buildUuid: string, service: string): Pending {
    const pending = this.pending.get(`${buildUuid}/${service}`);
    if (pending === undefined) throw new Error(`${buildUuid}/${service} is not building`);
    return pending;
  }
}
