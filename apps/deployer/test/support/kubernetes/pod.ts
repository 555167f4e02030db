import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type {
  Container,
  EnvVar,
  PersistentVolumeClaim,
  PodSpec,
} from '../../../../../kubernetes/test/support/rendered.js';

/*
 * What Kubernetes itself does with a pod spec, done on this machine: the container's environment
 * (values, `$(VAR)` expansion, fields of the pod, resource limits, Secret keys), its args expanded, and
 * its volumes as folders. No mapping decisions live here (they are one-machine.ts's); anything a manifest
 * uses that this does not know (envFrom, a subPath, another volume type) fails, so the test learns of it.
 */

/** Secrets and ConfigMaps as the operator created them: name → key → content. */
export type ObjectData = Record<string, Record<string, string>>;

export interface LocalPod {
  name: string;
  /** The pod's folder on this machine: its volumes (`volumes/<name>`) and whatever else stands in for it. */
  dir: string;
  container: Container;
  /** The container's environment, as the kubelet resolves it. */
  env: Record<string, string>;
  /** The container's args with `$(VAR)` expanded. */
  args: string[];
  /** Where a path inside the container lies on this machine, when a volume holds it; else undefined. */
  hostPath(path: string): string | undefined;
}

/** Kubernetes' `$(VAR)` expansion: a defined variable is replaced, `$$` is a literal `$`, the rest stays. */
export function expandVariables(value: string, env: Readonly<Record<string, string>>): string {
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (match, name: string | undefined) =>
    match === '$$' ? '$' : name !== undefined && name in env ? env[name]! : match,
  );
}

/** A CPU quantity (`4`, `1.5`, `500m`) in cores. */
function cores(quantity: string | number): number {
  const match = /^(\d+(?:\.\d+)?)(m?)$/.exec(String(quantity));
  if (match === null) throw new Error(`not a CPU quantity: ${quantity}`);
  return Number(match[1]) / (match[2] === 'm' ? 1000 : 1);
}

function resolveVariable(
  variable: EnvVar,
  env: Record<string, string>,
  pod: { name: string; namespace: string; container: Container; secrets: ObjectData },
): string {
  if (variable.value !== undefined) return expandVariables(variable.value, env);
  const from = variable.valueFrom;
  if (from?.fieldRef !== undefined) {
    const fields: Record<string, string> = { 'metadata.name': pod.name, 'metadata.namespace': pod.namespace };
    const value = fields[from.fieldRef.fieldPath];
    if (value === undefined)
      throw new Error(`${pod.name}: fieldRef ${from.fieldRef.fieldPath} is not mapped`);
    return value;
  }
  if (from?.resourceFieldRef !== undefined) {
    // The kubelet gives ceil(quantity / divisor); only CPU is used by these manifests.
    const { resource, divisor = '1' } = from.resourceFieldRef;
    const [bound, name] = resource.split('.') as ['limits' | 'requests', string];
    const quantity = pod.container.resources?.[bound]?.[name];
    if (name !== 'cpu' || quantity === undefined)
      throw new Error(`${pod.name}: resourceFieldRef ${resource} is not mapped (or not set)`);
    return String(Math.ceil(cores(quantity) / cores(divisor)));
  }
  if (from?.secretKeyRef !== undefined) {
    const { name, key } = from.secretKeyRef;
    const value = pod.secrets[name ?? '']?.[key];
    if (value === undefined)
      throw new Error(`${pod.name}: env ${variable.name}: Secret ${name} has no key ${key}`);
    return value;
  }
  throw new Error(`${pod.name}: env ${variable.name} has a source this test does not map`);
}

/** Writes an object's keys (all, or the volume's `items`) as files into `dir`, as a volume shows them. */
async function writeKeys(
  dir: string,
  what: string,
  data: Record<string, string> | undefined,
  items: ReadonlyArray<{ key: string; path: string }> | undefined,
): Promise<void> {
  if (data === undefined) throw new Error(`${what} does not exist`);
  await mkdir(dir, { recursive: true });
  for (const { key, path } of items ?? Object.keys(data).map((key) => ({ key, path: key }))) {
    const content = data[key];
    if (content === undefined) throw new Error(`${what} has no key ${key}`);
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/**
 * The pod `name` of `spec` on this machine, under `dir`: its one container's environment and args as the
 * kubelet resolves them, and each mounted volume a folder filled as Kubernetes fills it (a Secret's or
 * ConfigMap's keys as files, an emptyDir or a StatefulSet's claim empty).
 */
export async function localPod(options: {
  name: string;
  namespace: string;
  spec: PodSpec;
  claims?: readonly PersistentVolumeClaim[];
  dir: string;
  secrets: ObjectData;
  configMaps: ObjectData;
}): Promise<LocalPod> {
  const { name, namespace, spec, dir, secrets, configMaps } = options;
  if (spec.containers.length !== 1 || (spec.initContainers?.length ?? 0) > 0)
    throw new Error(`${name}: expected one container and no init containers`);
  const container = spec.containers[0]!;
  if ((container.envFrom?.length ?? 0) > 0) throw new Error(`${name}: envFrom is not mapped`);
  const env: Record<string, string> = {};
  for (const variable of container.env ?? [])
    env[variable.name] = resolveVariable(variable, env, { name, namespace, container, secrets });

  const mounts: Array<{ mountPath: string; dir: string }> = [];
  for (const mount of container.volumeMounts ?? []) {
    if (mount.subPath !== undefined || mount.subPathExpr !== undefined)
      throw new Error(`${name}: volume ${mount.name}: subPath is not mapped`);
    const folder = join(dir, 'volumes', mount.name);
    const volume = spec.volumes?.find((candidate) => candidate.name === mount.name);
    const claim = options.claims?.find((candidate) => candidate.metadata?.name === mount.name);
    if (volume?.secret !== undefined) {
      const secret = volume.secret.secretName ?? '';
      await writeKeys(folder, `Secret ${secret}`, secrets[secret], volume.secret.items);
    } else if (volume?.configMap !== undefined) {
      const configMap = volume.configMap.name ?? '';
      await writeKeys(folder, `ConfigMap ${configMap}`, configMaps[configMap], volume.configMap.items);
    } else if (volume?.emptyDir !== undefined || (volume === undefined && claim !== undefined)) {
      await mkdir(folder, { recursive: true });
    } else {
      throw new Error(`${name}: volume ${mount.name} is of a kind this test does not map`);
    }
    mounts.push({ mountPath: mount.mountPath, dir: folder });
  }
  // The deepest mount holding a path wins, as in the container's filesystem.
  mounts.sort((a, b) => b.mountPath.length - a.mountPath.length);
  const hostPath = (path: string) => {
    const mount = mounts.find(
      ({ mountPath }) => path === mountPath || path.startsWith(`${mountPath.replace(/\/$/, '')}/`),
    );
    return mount && join(mount.dir, path.slice(mount.mountPath.length));
  };
  const args = (container.args ?? []).map((arg) => expandVariables(arg, env));
  return { name, dir, container, env, args, hostPath };
}
