import type { BuildUuid } from '../build-uuid.js';
import type { CachePlan } from '../cache/cache-plan.js';
import type { BuildEvent } from './build-event.js';
import type { SecretSource } from './secret-source.js';

/*
 * The engine contract, what every build engine takes and gives back: this request (carrying a cache plan),
 * the events it streams (build-event.ts), the result (build-result.ts), the fields of its failures
 * (engine-failure.ts) and the command line it would run (engine-argv.ts). The BuildEngine port
 * (build-engine.ts) is built from them; deploy asks for it, and @deployer/buildkit-runner and
 * @deployer/buildah-runner implement it, so the three agree by construction without importing each other.
 */

export interface EngineBuildRequest {
  /** Present in every event and error so logs of concurrent builds stay attributable. */
  buildUuid: BuildUuid | null;
  service: string;
  contextDir: string;
  /** Path of the Dockerfile (absolute, or relative to contextDir). */
  dockerfile: string;
  target?: string;
  buildArgs?: Readonly<Record<string, string>>;
  secrets?: readonly SecretSource[];
  labels?: Readonly<Record<string, string>>;
  platforms?: readonly string[];
  /** Full image refs to push, e.g. `registry/shop/web:3f2a…`. */
  images: readonly string[];
  cache: CachePlan;
  /** Registries reached over plain HTTP (host[:port]). */
  insecureRegistries?: readonly string[];
  timeoutMs?: number;
  signal?: AbortSignal;
  onEvent?: (event: BuildEvent) => void;
}
