import { stringify } from 'yaml';
import { buildkitdService, buildkitdStatefulSet } from './buildkitd.js';
import { buildJob, cacheGcCronJob } from './jobs.js';
import { serveConfig, serveDeployment, serveDisruptionBudget, serveService } from './serve.js';

/** Every rendered file (`kubernetes/<name>`) and the typed objects it holds, in order. */
export const manifests: Record<string, readonly object[]> = {
  'buildkitd.yaml': [buildkitdService, buildkitdStatefulSet],
  'build-job.yaml': [buildJob],
  'cache-gc-cronjob.yaml': [cacheGcCronJob],
  'serve.yaml': [serveConfig, serveDeployment, serveService, serveDisruptionBudget],
};

const header =
  '# Rendered from kubernetes/src by `pnpm --filter @deployer/kubernetes render`; edit the TypeScript.\n';

/** One YAML document per object, separated by `---`. */
export function renderManifest(objects: readonly object[]): string {
  return (
    header +
    objects.map((object) => stringify(object, { lineWidth: 0, aliasDuplicateObjects: false })).join('---\n')
  );
}
