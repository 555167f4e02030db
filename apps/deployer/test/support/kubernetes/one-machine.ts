import { existsSync } from 'node:fs';
import { mkdir, symlink } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import type { PodSpec, RenderedManifests } from '../../../../../kubernetes/test/support/rendered.js';
import { parseYaml } from '../../../../../kubernetes/test/support/rendered.js';
import { binPath } from '../../run-cli.js';
import { type LocalPod, localPod, type ObjectData } from './pod.js';

/** Where `command` is on the test's PATH (or in `extra` folders); undefined when nowhere. */
export function which(command: string, extra: readonly string[] = []): string | undefined {
  return [...(process.env.PATH ?? '').split(delimiter), ...extra]
    .filter((dir) => dir !== '')
    .map((dir) => join(dir, command))
    .find((path) => existsSync(path));
}

/** A program the test needs from the machine, by absolute path. */
function required(command: string): string {
  const path = which(command, ['/usr/sbin', '/usr/bin', '/sbin', '/bin']);
  if (path === undefined) throw new Error(`${command} is not installed`);
  return path;
}

/**
 * What the deployer image must hold on its PATH (kubernetes/README.md), and nothing else is on the
 * deployer pods' PATH here: a program deployer starts that the image lacks fails the test.
 */
export function deployerImagePrograms(buildkitBin: string): Record<string, string> {
  return {
    // The image's entrypoint, and Node.js, which runs it.
    deployer: binPath,
    node: process.execPath,
    // BuildKit's client: every build and every pool health check.
    buildctl: join(buildkitBin, 'buildctl'),
    // serve checks out each commit it builds.
    git: required('git'),
    // util-linux: engine processes die with deployer (--pdeathsig).
    setpriv: required('setpriv'),
  };
}

/** What this machine offers in place of the cluster's. */
export interface MachineInputs {
  /** Where the pods' folders are made. */
  dir: string;
  /** The Secrets the operator created (kubernetes/README.md), name → key → content. */
  secrets: ObjectData;
  /** The shared BuildKit build's bin folder (buildkitd, buildctl). */
  buildkitBin: string;
  /** The test registry (plain HTTP, loopback). */
  registry: string;
  /** The git repository the server clones from (file://). */
  cloneUrl: string;
  /** A resolv.conf naming the loopback dnsmasq that answers the cluster's names. */
  resolvConf: string;
}

/** One container of a pod, as a process on this machine. */
export interface LocalProcess {
  pod: string;
  file: string;
  args: string[];
  /** Its whole environment: nothing is inherited from the test. */
  env: Record<string, string>;
  cwd: string;
  /** SIGTERM, then SIGKILL after this: the pod's terminationGracePeriodSeconds. */
  killGraceMs: number;
}

export interface LocalDaemon extends LocalProcess {
  /** Where deployer reaches it: `tcp://<its address>:<port>`. */
  address: string;
  /** The StatefulSet's readiness probe, as the kubelet runs it inside the container. */
  readiness: { file: string; args: string[]; env: Record<string, string> };
}

export interface LocalReplica extends LocalProcess {
  /** Where the replica listens (the Service's target port on the pod's address). */
  url: string;
  /** The Deployment's readiness and liveness probes (httpGet on a container port) as URLs. */
  readyUrl: string;
  liveUrl: string;
}

export interface LocalOneShot extends LocalProcess {
  /** The workspace volume's folder: what the CI system or an init container fills with the checkout. */
  workspace: string;
}

export interface OneMachine {
  daemons: LocalDaemon[];
  /** The headless Service's A records: its cluster DNS name → each daemon pod's address. */
  dnsRecords: Array<[address: string, name: string]>;
  replicas: LocalReplica[];
  /** The server config the replicas read (the ConfigMap's server.yaml, mapped), parsed. */
  serverConfig: { repositories: Array<Record<string, unknown>> };
  buildJob: LocalOneShot;
  cacheGc: LocalOneShot;
}

/** The pod's only container must take the image's entrypoint: the manifests set args, never a command. */
function imageEntrypoint(pod: LocalPod): void {
  if (pod.container.command !== undefined) throw new Error(`${pod.name}: command is set; map it here`);
}

/**
 * The rendered manifests as processes on this one machine. Every argv, environment variable and file
 * comes from the manifests; what one machine cannot have as a cluster has it is mapped here, and only
 * here, each mapping with its reason. A manifest that changes in a way not mapped (a new path outside
 * the volumes, an env source, a probe) makes this throw rather than be run differently.
 */
export async function mapManifestsToOneMachine(
  manifests: RenderedManifests,
  inputs: MachineInputs,
): Promise<OneMachine> {
  const { buildkitdService, buildkitdStatefulSet, serveConfig, serveDeployment } = manifests;
  const namespace = buildkitdStatefulSet.metadata?.namespace ?? 'default';

  // Pod IPs: in a cluster each pod has an address of its own. Here each pod gets a loopback address of its
  // own (daemons 127.0.0.1–3, serve replicas 127.0.0.11…), so every pod listens on the manifests' port.
  const podAddress = (first: number, ordinal: number) => `127.0.0.${first + ordinal}`;
  // A container listening on every interface of its pod (0.0.0.0) listens on the pod's address.
  const onPodAddress = (value: string, address: string) =>
    value.replace(/(^|\/\/)0\.0\.0\.0:/, `$1${address}:`);
  // BuildKit's image's PATH (buildkitd, buildctl, runc): the shared build's bin folder and the system's
  // (Debian's runc is in /usr/sbin).
  const buildkitPath = [inputs.buildkitBin, '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(':');
  // The deployer image's PATH: a folder holding exactly the programs it must have (deployerImagePrograms).
  const deployerImageBin = join(inputs.dir, 'deployer-image', 'bin');
  await mkdir(deployerImageBin, { recursive: true });
  for (const [name, target] of Object.entries(deployerImagePrograms(inputs.buildkitBin)))
    await symlink(target, join(deployerImageBin, name));
  // The kubelet's stop: SIGTERM, SIGKILL after the pod's grace period (Kubernetes' default 30 s).
  const gracePeriod = (spec: PodSpec) => (spec.terminationGracePeriodSeconds ?? 30) * 1000;
  // A path the container sees, on this machine: inside a mounted volume, or one of `extra` (paths of the
  // image); any other absolute path is a change this mapping does not know, and fails.
  const local = (pod: LocalPod, path: string, extra: Record<string, string> = {}) => {
    const fromImage = Object.entries(extra).find(
      ([prefix]) => path === prefix || path.startsWith(`${prefix}/`),
    );
    const found = pod.hostPath(path) ?? (fromImage && join(fromImage[1], path.slice(fromImage[0].length)));
    if (found === undefined)
      throw new Error(`${pod.name}: ${path} is in no volume; map it in one-machine.ts`);
    return found;
  };

  // --- the buildkitd StatefulSet: three daemons, mutual TLS on TCP ---
  const daemonSpec = buildkitdStatefulSet.spec!.template.spec!;
  const daemons: LocalDaemon[] = [];
  for (let ordinal = 0; ordinal < (buildkitdStatefulSet.spec!.replicas ?? 1); ordinal++) {
    // A StatefulSet's pods are <name>-<ordinal>, each with its own claim (the local cache) made from the template.
    const name = `${buildkitdStatefulSet.metadata!.name}-${ordinal}`;
    const pod = await localPod({
      name,
      namespace,
      spec: daemonSpec,
      claims: buildkitdStatefulSet.spec!.volumeClaimTemplates ?? [],
      dir: join(inputs.dir, name),
      secrets: inputs.secrets,
      configMaps: {},
    });
    imageEntrypoint(pod);
    const address = podAddress(1, ordinal);
    // The rootless image's own paths: XDG_RUNTIME_DIR (/run/user/1000, where its unix socket lives) is the
    // container's; here a folder of the pod.
    const image = { '/run/user/1000': join(pod.dir, 'run') };
    const path = (value: string) =>
      value.startsWith('unix://')
        ? `unix://${local(pod, value.slice('unix://'.length), image)}`
        : value.startsWith('/')
          ? local(pod, value, image)
          : onPodAddress(value, address);
    // Rootless only: the rootless image runs buildkitd as uid 1000 under rootlesskit, where no PID
    // namespace can be had; a root daemon refuses the flag ("can't enable NoProcessSandbox without
    // Rootless") and sandboxes each step in its own namespaces instead.
    const args = pod.args.filter((arg) => arg !== '--oci-worker-no-process-sandbox').map(path);
    // The state folder: the rootless daemon keeps its state (the local cache) in $HOME/.local/share/buildkit,
    // where the StatefulSet mounts the cache claim; a root daemon's default is /var/lib/buildkit, so
    // --root names the claim's folder (and the manifest must keep the claim where the daemon writes).
    const cacheMount = '/home/user/.local/share/buildkit';
    if (!args.includes('--root')) args.push('--root', local(pod, cacheMount));
    const unixSocket = args.find((arg) => arg.startsWith('unix://'));
    const tcp = args.find((arg) => arg.startsWith('tcp://'));
    if (unixSocket === undefined || tcp === undefined)
      throw new Error(`${name}: expected a unix and a tcp --addr`);
    const probe = pod.container.readinessProbe?.exec?.command;
    if (probe === undefined || probe.length === 0)
      throw new Error(`${name}: expected an exec readiness probe`);
    daemons.push({
      pod: name,
      // The image's entrypoint (rootlesskit buildkitd, as uid 1000) → the shared build's buildkitd, as root:
      // what this machine runs BuildKit as (rootless needs user namespaces the test machine may not give).
      file: join(inputs.buildkitBin, 'buildkitd'),
      args,
      env: { PATH: buildkitPath, ...pod.env },
      cwd: pod.dir,
      killGraceMs: gracePeriod(daemonSpec),
      address: tcp,
      // The probe runs in the container, where the rootless image's BUILDKIT_HOST names its unix socket.
      readiness: {
        file: probe[0]!,
        args: probe.slice(1),
        env: { PATH: buildkitPath, BUILDKIT_HOST: unixSocket },
      },
    });
  }

  // The headless Service's name answers with every ready pod's address (its selector must pick the pods).
  const selector = buildkitdService.spec?.selector ?? {};
  const podLabels = buildkitdStatefulSet.spec!.template.metadata?.labels ?? {};
  if (
    buildkitdService.spec?.clusterIP !== 'None' ||
    Object.entries(selector).some(([key, value]) => podLabels[key] !== value)
  )
    throw new Error('the buildkitd Service must be headless and select the StatefulSet’s pods');
  const serviceName = `${buildkitdService.metadata!.name}.${buildkitdService.metadata!.namespace ?? 'default'}.svc.cluster.local`;
  const dnsRecords = daemons.map(
    (daemon) => [new URL(daemon.address).hostname, serviceName] as [string, string],
  );

  // --- deployer's pods: the image's entrypoint `deployer` and its cluster DNS ---
  // The image's entrypoint `deployer` → this checkout's built deployer (on the image's PATH above); the
  // pod's resolv.conf (the cluster's DNS, which answers buildkitd.<namespace>.svc.cluster.local) → a private
  // mount namespace whose /etc/resolv.conf names the loopback dnsmasq (cluster-dns.sh); the image's HOME
  // and working folder → the pod's folder.
  const deployerProcess = (pod: LocalPod, spec: PodSpec, args: string[], env: Record<string, string>) => {
    imageEntrypoint(pod);
    const workingDir = pod.container.workingDir;
    return {
      pod: pod.name,
      file: required('unshare'),
      args: [
        '--mount',
        '--propagation',
        'private',
        '--',
        required('bash'),
        join(import.meta.dirname, 'cluster-dns.sh'),
        inputs.resolvConf,
        'deployer',
        ...args,
      ],
      env: { PATH: deployerImageBin, HOME: pod.dir, ...env },
      cwd: workingDir === undefined ? pod.dir : local(pod, workingDir),
      killGraceMs: gracePeriod(spec),
    };
  };
  // Every absolute path in an arg or a variable lies in a volume (/certs, /docker, /config, /work, /workspace).
  const mapPaths = (pod: LocalPod, values: string[]) =>
    values.map((value) => (value.startsWith('/') ? local(pod, value) : value));
  const mapEnv = (pod: LocalPod) =>
    Object.fromEntries(
      Object.entries(pod.env).map(([key, value]) => [key, value.startsWith('/') ? local(pod, value) : value]),
    );

  // --- the serve Deployment: two replicas on one Postgres ---
  // The ConfigMap's server.yaml, as an operator edits it for a repository they have: the test's git
  // repository instead of https://github.com/acme/shop.git (cloneUrl), the test registry instead of
  // registry.example (and plain HTTP: it has no TLS). Everything else stays as shipped.
  const shipped = parseYaml(serveConfig.data?.['server.yaml'] ?? '') as OneMachine['serverConfig'];
  const serverConfig = {
    ...shipped,
    repositories: shipped.repositories.map((repository) => ({
      ...repository,
      cloneUrl: inputs.cloneUrl,
      registry: { ...(repository.registry as object), host: inputs.registry, insecure: true },
    })),
  };
  // JSON is YAML: the file the ConfigMap volume shows.
  const configMaps = {
    [serveConfig.metadata!.name!]: { 'server.yaml': `${JSON.stringify(serverConfig, null, 2)}\n` },
  };
  const serveSpec = serveDeployment.spec!.template.spec!;
  const replicas: LocalReplica[] = [];
  for (let ordinal = 0; ordinal < (serveDeployment.spec!.replicas ?? 1); ordinal++) {
    // A Deployment's pods have generated names (<name>-<hash>-<suffix>); here <name>-<ordinal>.
    const name = `${serveDeployment.metadata!.name}-${ordinal}`;
    const pod = await localPod({
      name,
      namespace,
      spec: serveSpec,
      dir: join(inputs.dir, name),
      secrets: inputs.secrets,
      configMaps,
    });
    const address = podAddress(11, ordinal);
    const args = mapPaths(pod, pod.args).map((arg) => onPodAddress(arg, address));
    // An httpGet probe as the kubelet sends it: to the pod's address, on the port it names.
    const probeUrl = (kind: 'readinessProbe' | 'livenessProbe') => {
      const probe = pod.container[kind]?.httpGet;
      const port = pod.container.ports?.find(
        (candidate) => candidate.name === probe?.port || candidate.containerPort === probe?.port,
      );
      if (probe === undefined || port === undefined)
        throw new Error(`${name}: expected an httpGet ${kind} on a container port`);
      return `http://${address}:${port.containerPort}${probe.path ?? '/'}`;
    };
    const readyUrl = probeUrl('readinessProbe');
    replicas.push({
      ...deployerProcess(pod, serveSpec, args, mapEnv(pod)),
      url: new URL(readyUrl).origin,
      readyUrl,
      liveUrl: probeUrl('livenessProbe'),
    });
  }

  // --- the build Job and the cache gc CronJob: the same pool and registry, the checkout in /workspace ---
  const oneShot = async (name: string, spec: PodSpec): Promise<LocalOneShot> => {
    const pod = await localPod({
      name,
      namespace,
      spec,
      dir: join(inputs.dir, name),
      secrets: inputs.secrets,
      configMaps: {},
    });
    // Its working folder is the workspace volume, which the CI system or an init container fills.
    const workingDir = pod.container.workingDir;
    if (workingDir === undefined) throw new Error(`${name}: expected a workingDir holding the checkout`);
    return {
      ...deployerProcess(pod, spec, mapPaths(pod, pod.args), mapEnv(pod)),
      workspace: local(pod, workingDir),
    };
  };
  const buildJob = await oneShot(manifests.buildJob.metadata!.name!, manifests.buildJob.spec!.template.spec!);
  const cacheGc = await oneShot(
    `${manifests.cacheGcCronJob.metadata!.name}-manual`,
    manifests.cacheGcCronJob.spec!.jobTemplate.spec!.template.spec!,
  );

  return { daemons, dnsRecords, replicas, serverConfig, buildJob, cacheGc };
}
