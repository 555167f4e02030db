/** What a BuildKit vertex name says about the vertex. */
export type StepName =
  | {
      kind: 'dockerfile';
      /** `stage-1`, `deps`, `linux/amd64 stage-1`, … ; null for a single-stage Dockerfile. */
      prefix: string | null;
      index: number;
      total: number;
      instruction: string;
    }
  | { kind: 'cache-import'; ref: string }
  | { kind: 'other' };

const dockerfileStep = /^\[(?:(.+?) )?(\d+)\/(\d+)\] ([A-Z]+)\b/;
const cacheImport = /^importing cache manifest from (\S+)$/;

export function parseStepName(name: string): StepName {
  const step = dockerfileStep.exec(name);
  if (step !== null) {
    return {
      kind: 'dockerfile',
      prefix: step[1] ?? null,
      index: Number(step[2]),
      total: Number(step[3]),
      instruction: step[4] ?? '',
    };
  }
  const imported = cacheImport.exec(name);
  if (imported?.[1] !== undefined) return { kind: 'cache-import', ref: imported[1] };
  return { kind: 'other' };
}

/**
 * Whether a vertex counts as a build step: a Dockerfile instruction other than FROM. FROM only resolves
 * (or pulls) the base image and `[internal]`/export vertices are BuildKit's own work; counting neither
 * makes "4 of 4 steps cached" mean the steps the Dockerfile author wrote after FROM.
 */
export function isCountedStep(name: string): boolean {
  const step = parseStepName(name);
  return step.kind === 'dockerfile' && step.instruction !== 'FROM';
}
