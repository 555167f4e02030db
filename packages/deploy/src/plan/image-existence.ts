import type { ImageRegistry } from '@deployer/contracts';

/** A service plan's answer to "is the image there" (ServicePlan's `action`, `reason`, `existingDigest`). */
export interface Existence {
  action: 'build' | 'skip' | 'unknown';
  reason: string;
  existingDigest: string | null;
}

export interface RegistryProblem {
  /** The registry host asked. */
  registry: string;
  /** Its error. */
  message: string;
}

/** What of PlanOptions the checks read (see there). */
interface ExistenceOptions {
  force?: boolean;
  registry?: ImageRegistry;
  onRegistryError?: 'fail' | 'unknown';
  signal?: AbortSignal;
}

/** Image checks in flight at once: enough to hide round trips, few enough not to flood a registry. */
const existenceConcurrency = 8;

/**
 * Whether images exist: the first alone, then the rest with at most `existenceConcurrency` requests in
 * flight. After the registry
 * failed once (`onRegistryError: 'unknown'`), no further image is asked and the first problem is kept;
 * with `fail`, no further check starts and the first error is thrown once the running ones settled.
 */
export function imageExistence(
  registryHost: string,
  options: ExistenceOptions,
): { checkAll(images: readonly string[]): Promise<Existence[]>; problem(): RegistryProblem | null } {
  let problem: RegistryProblem | null = null;
  const unknown: Existence = { action: 'unknown', reason: 'registry not reachable', existingDigest: null };
  const check = async (image: string): Promise<Existence> => {
    if (options.force) return { action: 'build', reason: 'forced', existingDigest: null };
    if (options.registry === undefined)
      return { action: 'build', reason: 'not checked', existingDigest: null };
    if (problem !== null) return unknown;
    let digest: string | null;
    try {
      digest = await options.registry.imageDigest(
        image,
        options.signal === undefined ? undefined : { signal: options.signal },
      );
    } catch (error) {
      if (options.onRegistryError !== 'unknown' || options.signal?.aborted) throw error;
      problem ??= { registry: registryHost, message: error instanceof Error ? error.message : String(error) };
      return unknown;
    }
    return digest === null
      ? { action: 'build', reason: 'image missing', existingDigest: null }
      : { action: 'skip', reason: 'image exists', existingDigest: digest };
  };
  return {
    problem: () => problem,
    async checkAll(images) {
      const results = new Array<Existence>(images.length);
      if (images.length === 0) return results;
      // The first alone: a registry that cannot be asked (or must challenge for a token first) is
      // found out by one request, not by one per image in flight.
      results[0] = await check(images[0]!);
      let next = 1;
      let failure: { error: unknown } | undefined;
      const worker = async (): Promise<void> => {
        while (failure === undefined && next < images.length) {
          const index = next++;
          try {
            results[index] = await check(images[index]!);
          } catch (error) {
            failure ??= { error };
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(existenceConcurrency, images.length) }, worker));
      if (failure !== undefined) throw failure.error;
      return results;
    },
  };
}
