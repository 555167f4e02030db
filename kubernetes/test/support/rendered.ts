import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
import type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
import type { ConfigMap, Service } from 'kubernetes-types/core/v1.js';
import { parse, parseAllDocuments } from 'yaml';

// The types a test that runs the manifests reads them with (kubernetes-types resolves from this package).
export type { Deployment, StatefulSet } from 'kubernetes-types/apps/v1.js';
export type { CronJob, Job } from 'kubernetes-types/batch/v1.js';
export type {
  ConfigMap,
  Container,
  EnvVar,
  PersistentVolumeClaim,
  PodSpec,
  Service,
} from 'kubernetes-types/core/v1.js';

/** The kubernetes/ folder: the rendered manifests and `make-certs.sh`. */
export const kubernetesDir = join(import.meta.dirname, '..', '..');
/** The script kubernetes/README.md tells an operator to make the pool's TLS material with. */
export const makeCertsScript = join(kubernetesDir, 'make-certs.sh');

/** The objects of the committed kubernetes/*.yaml that run something, as an operator applies them. */
export interface RenderedManifests {
  buildkitdService: Service;
  buildkitdStatefulSet: StatefulSet;
  serveConfig: ConfigMap;
  serveDeployment: Deployment;
  buildJob: Job;
  cacheGcCronJob: CronJob;
}

/** Every document of a rendered file, parsed with `yaml` (a document that does not parse fails). */
async function documents(file: string): Promise<Array<{ kind?: string }>> {
  const parsed = parseAllDocuments(await readFile(join(kubernetesDir, file), 'utf8'));
  return parsed.map((document) => {
    if (document.errors.length > 0) throw new Error(`kubernetes/${file}: ${document.errors[0]?.message}`);
    return document.toJS() as { kind?: string };
  });
}

/** The one object of `kind` in `file`; none or several is an error naming the file. */
function one<T>(file: string, objects: Array<{ kind?: string }>, kind: string): T {
  const found = objects.filter((object) => object.kind === kind);
  if (found.length !== 1) throw new Error(`kubernetes/${file}: expected one ${kind}, found ${found.length}`);
  return found[0] as T;
}

/** Reads the rendered files (not the TypeScript they come from): what `kubectl apply -f kubernetes/` applies. */
export async function readRenderedManifests(): Promise<RenderedManifests> {
  const [buildkitd, serve, build, gc] = await Promise.all(
    ['buildkitd.yaml', 'serve.yaml', 'build-job.yaml', 'cache-gc-cronjob.yaml'].map(documents),
  );
  return {
    buildkitdService: one('buildkitd.yaml', buildkitd!, 'Service'),
    buildkitdStatefulSet: one('buildkitd.yaml', buildkitd!, 'StatefulSet'),
    serveConfig: one('serve.yaml', serve!, 'ConfigMap'),
    serveDeployment: one('serve.yaml', serve!, 'Deployment'),
    buildJob: one('build-job.yaml', build!, 'Job'),
    cacheGcCronJob: one('cache-gc-cronjob.yaml', gc!, 'CronJob'),
  };
}

/** A YAML document held in a ConfigMap (`server.yaml`), parsed with the same `yaml`. */
export function parseYaml(text: string): unknown {
  return parse(text);
}
